import { Breaks } from '../lib/breaks';
import { ReplyError } from '../lib/errors';
import type { Clock, TimerHandle } from '../lib/clock';
import { FixedDelayTimers } from '../lib/fixed-delay-timers';
import { Logger } from '../lib/log';
import type { PreflistEntry } from '../ring/preference-list';
import { DvvSet, EMPTY_DVVSET, equalSets, siblings as siblingsOf, sync } from '../versioning/dvvset';
import { dropFlushed } from '../versioning/flush';
import { pickWinner } from '../versioning/lww';
import type { ClusterView } from './cluster-view';
import { quorumState } from './quorum';
import type { ReplicaClient } from './replica-client';

export interface ReplicaReadsOptions {
  readonly view: ClusterView;
  readonly replicas: ReplicaClient;
  /** The node's FLUSHALL generation: what replies carry from before it is dropped. */
  readonly flush: { readonly current: number };
  readonly logger: Logger;
  readonly breaks: Breaks;
  /** Arms the speculative retry of a read (see SPECULATIVE_READ_MS). */
  readonly clock: Clock;
  /** This node's own copy for a target (its replica, or the hint it holds as a fallback). */
  readonly readLocal: (target: PreflistEntry, partition: number, key: Buffer) => DvvSet;
  /** Merge `next` into this node's own copy for a target, committed. */
  readonly writeLocal: (target: PreflistEntry, partition: number, key: Buffer, local: DvvSet, next: DvvSet) => Promise<void>;
}

/**
 * A read quorum asks R targets first (this node's own copy first: it costs no message), and the
 * others only when one of those fails, or when no answer met R within this long (speculative
 * retry, as Cassandra does): asking all N every time cost the coordinator and the replicas a third
 * more CPU per GET for answers the quorum did not need. A write's read (name 'W') still asks all.
 */
export const SPECULATIVE_READ_MS = 20;

/** No hand-off sources: the common case, shared rather than allocated per request. */
const NO_SOURCES: readonly PreflistEntry[] = [];

/**
 * The coordinator's read side: a quorum read over a key's targets (plus the nodes still handing
 * its partition off), answered after R replies, and the read repair that follows it.
 */
export class ReplicaReads {
  readonly #o: ReplicaReadsOptions;
  /** Every read arms one and nearly every read cancels it: one Clock timer serves them all. */
  readonly #speculation: FixedDelayTimers;

  constructor(options: ReplicaReadsOptions) {
    this.#o = options;
    this.#speculation = new FixedDelayTimers(options.clock, SPECULATIVE_READ_MS);
  }

  /**
   * Nodes handing this partition off (not among its targets) whose answers a read merges: they
   * may hold versions the new primaries have not received yet.
   */
  handoffSources(partition: number, targets: readonly PreflistEntry[]): readonly PreflistEntry[] {
    const { view } = this.#o;
    const sources = view.handoffSources?.(partition);
    if (sources === undefined || sources.length === 0) return NO_SOURCES;
    return sources.filter((node) => view.isUsable(node) && !targets.some((t) => t.node === node)).map((node) => ({ node, role: 'fallback' as const }));
  }

  /** The merge of what the hand-off sources hold of `key`; one that fails to answer is skipped. */
  async readSources(partition: number, key: Buffer, sources: readonly PreflistEntry[]): Promise<DvvSet> {
    const replies = await Promise.allSettled(sources.map((s) => (s.node === this.#o.view.selfId ? this.#o.readLocal(s, partition, key) : this.#o.replicas.read(s, partition, key))));
    return replies.reduce((merged, reply) => (reply.status === 'fulfilled' ? sync(merged, reply.value) : merged), EMPTY_DVVSET);
  }

  /**
   * Ask every target, answer with the merge of the first `required` replies, then repair. Hand-off
   * `sources` are asked too and their answers merged in, but they never count toward the quorum
   * (a source may have missed writes the new primaries took): the answer waits for them to reply
   * or fail, at most the request timeout.
   */
  quorumRead(key: Buffer, partition: number, targets: readonly PreflistEntry[], required: number, name: 'R' | 'W', sources: readonly PreflistEntry[] = []): Promise<DvvSet> {
    const asked = targets.length;
    const replies: Array<{ target: PreflistEntry; set: DvvSet }> = [];
    let fromSources = EMPTY_DVVSET;
    let sourcesPending = sources.length;
    // This node's own copy first; then the others in preference-list order.
    const order = orderSelfFirst(targets, this.#o.view.selfId);
    let launched = 0;
    let speculation: TimerHandle | undefined;
    // This node's own copy, once read: what the other replicas most likely hold too.
    let ownCopy: DvvSet | undefined;
    return new Promise((resolve, reject) => {
      let failures = 0;
      let settled = false;
      let repaired = false;
      const onSettled = () => {
        if (!settled) {
          const state = quorumState(required, asked, replies.length, failures);
          if (state === 'met' && sourcesPending === 0) {
            settled = true;
            speculation?.cancel();
            // A reply that taught this node a newer flush may follow replies of the old generation.
            resolve(dropFlushed(mergeReplies(replies, fromSources), this.#o.flush.current));
          } else if (state === 'failed') {
            settled = true;
            speculation?.cancel();
            reject(unavailable(name, required, replies.length, asked));
          }
        }
        // Once answered nothing more is asked: repair what every asked replica said, once.
        if (settled && !repaired && replies.length + failures === launched && sourcesPending === 0) {
          repaired = true;
          // After the answer, never in its way: a repair that throws (a store closing under a
          // shutdown) must neither block the read nor become an unhandled rejection.
          try {
            this.#repair(key, partition, replies, fromSources);
          } catch (err) {
            this.#o.logger.debug({ err: (err as Error).message }, 'read repair skipped');
          }
        }
      };
      const launch = (target: PreflistEntry) => {
        launched++;
        let read: Promise<DvvSet>;
        if (target.node === this.#o.view.selfId) {
          ownCopy = this.#o.readLocal(target, partition, key);
          read = Promise.resolve(ownCopy);
        } else {
          read = this.#o.replicas.read(target, partition, key, ownCopy);
        }
        read.then(
          (set) => {
            replies.push({ target, set });
            onSettled();
          },
          () => {
            failures++;
            // A target that failed is replaced by the next one not asked yet.
            if (!settled && launched < asked) launch(order[launched]);
            onSettled();
          },
        );
      };
      if (asked < required) return reject(unavailable(name, required, 0, asked));
      for (const source of sources) {
        const read = source.node === this.#o.view.selfId ? Promise.resolve(this.#o.readLocal(source, partition, key)) : this.#o.replicas.read(source, partition, key);
        read.then(
          (set) => {
            fromSources = sync(fromSources, set);
            sourcesPending--;
            onSettled();
          },
          () => {
            sourcesPending--;
            onSettled();
          },
        );
      }
      const first = name === 'R' ? Math.max(required, 1) : asked;
      for (let i = 0; i < first && i < asked; i++) launch(order[i]);
      if (launched < asked) {
        // No quorum soon (a slow replica): ask the rest rather than wait for a timeout.
        speculation = this.#speculation.start(() => {
          speculation = undefined;
          if (!settled) while (launched < asked) launch(order[launched]);
        });
      }
    });
  }

  /** Read repair: bring every replica that answered with less than the merge up to it. */
  #repair(key: Buffer, partition: number, replies: ReadonlyArray<{ target: PreflistEntry; set: DvvSet }>, fromSources: DvvSet): void {
    // What sources hold is repaired onto the targets (the hand-off would bring it anyway); the
    // sources themselves are never written to: they are giving the partition away.
    if (replies.length < 2 && (replies.length === 0 || fromSources.entries.length === 0)) return;
    const merged = dropFlushed(mergeReplies(replies, fromSources), this.#o.flush.current);
    // Every replica answered this very set (and nothing was flushed from it): all are up to date.
    if (merged === replies[0].set && replies.every((reply) => reply.set === merged)) return;
    const written = this.#o.breaks.has('read-repair-drops-siblings') ? winnerOnly(merged) : merged;
    for (const { target, set } of replies) {
      if (equalSets(set, merged)) continue;
      const repaired =
        target.node === this.#o.view.selfId ? this.#o.writeLocal(target, partition, key, this.#o.readLocal(target, partition, key), written) : this.#o.replicas.write(target, partition, key, written);
      repaired.catch((err) => this.#o.logger.debug({ node: target.node, err: (err as Error).message }, 'read repair failed'));
    }
  }
}

/**
 * Break 'read-repair-drops-siblings': the merged clock with only the LWW winner's version kept
 * (and, as versions are held newest first, any newer ones of the winner's actor). Syncing it into a
 * replica discards every other sibling as seen-and-superseded.
 */
export function winnerOnly(set: DvvSet): DvvSet {
  const winner = pickWinner(siblingsOf(set));
  return {
    entries: set.entries.map((entry) =>
      winner !== undefined && entry.actor === winner.dot.actor ? { ...entry, versions: entry.versions.slice(0, entry.counter - winner.dot.counter + 1) } : { ...entry, versions: [] },
    ),
  };
}

export function unavailable(name: 'R' | 'W', required: number, answered: number, asked: number): ReplyError {
  return new ReplyError(`UNAVAILABLE ${answered} of ${asked} replicas answered, ${name}=${required} needed`);
}

/**
 * The sync of every reply and what the hand-off sources hold. Replies that are one set object
 * (ReplicaClient.read answers with this node's own copy when the bytes match) merge to that set
 * without a sync: sync is idempotent, and EMPTY is its identity.
 */
function mergeReplies(replies: ReadonlyArray<{ readonly set: DvvSet }>, fromSources: DvvSet): DvvSet {
  if (replies.length > 0 && fromSources.entries.length === 0) {
    const first = replies[0].set;
    let same = true;
    for (let i = 1; i < replies.length && same; i++) same = replies[i].set === first;
    if (same) return first;
  }
  return replies.reduce((merged, reply) => sync(merged, reply.set), fromSources);
}

/** `targets` with this node's own entry (if any) moved to the front, the rest in order. */
function orderSelfFirst(targets: readonly PreflistEntry[], selfId: string): readonly PreflistEntry[] {
  const at = targets.findIndex((target) => target.node === selfId);
  if (at <= 0) return targets;
  return [targets[at], ...targets.slice(0, at), ...targets.slice(at + 1)];
}
