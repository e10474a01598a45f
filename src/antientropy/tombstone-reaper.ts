import type { ClusterView } from '../coordinator/cluster-view';
import type { ReplicaClient } from '../coordinator/replica-client';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { BackgroundBudget } from '../overload/background-budget';
import { LocalReplica } from '../replica/local-replica';
import { sweepDecision } from '../replica/record-schedule';
import { PreflistEntry, preferenceList } from '../ring/preference-list';
import { DvvSet, equalSets, sync } from '../versioning/dvvset';

export interface TombstoneReaperOptions {
  readonly replica: LocalReplica;
  readonly replicas: ReplicaClient;
  readonly view: ClusterView;
  readonly budget: BackgroundBudget;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly n: number;
  readonly tombstoneGraceMs: number;
  /** This node's hint of `key` held for `target` (empty when none). */
  readonly hintFor: (target: string, partition: number, key: Buffer) => DvvSet;
  /** Commit what a round removed. */
  readonly commit: () => Promise<void>;
}

/** How often the reaper takes the candidates the sweep found. */
export const REAP_INTERVAL_MS = 1000;
/** Records confirmed per round: background work yields to clients. */
export const REAP_BATCH_MAX = 64;
/**
 * How long the ring must have stayed the same before anything is reaped. While ownership moves
 * (a join or leave), nodes disagree for a while on who the primaries are, and an old owner may
 * still hold an older value it has not handed off: "every primary holds the deletion" cannot be
 * judged then. The sweep offers the records again later. (Not shortened with the grace: the
 * simulator, with joins and leaves under partitions, resurrects deletes with a 5 s settle period.
 * A node partitioned through a ring change keeps its old view for as long as the partition lasts,
 * so this is a heuristic; comparing ring versions in the confirmation would make it exact.)
 */
export const REAP_RING_SETTLED_MS = 60_000;



/**
 * SPEC 3.5, deletes stay deleted: a dead record (tombstones and expired values, past the grace
 * period) is removed from this replica only once every primary of its key answered that it holds
 * nothing this replica's record does not already cover. Then no replica can hand an older value
 * back (by read repair or anti-entropy): the older value is gone everywhere, superseded by the
 * tombstone. A primary that does not answer (down, partitioned) leaves the record in place; the
 * sweep offers it again later. Each replica reaps its own copy this way; one that already reaped
 * answers "nothing", which confirms as well.
 *
 * Hints count as copies: a fallback may still hold a hint of an older write for one of the
 * primaries (it was paused or cut off while the key was deleted), and delivering it after the
 * reap would bring that write back (the simulator found this: a node paused through the delete,
 * resumed after the reap). So every other owner in the ring is asked too, for its hint of the
 * key for each primary, and must answer "nothing" or the same record. Reaping therefore waits
 * until every owner answers: a node that stays down holds tombstones in place until it is back
 * or removed from the ring.
 */
export class TombstoneReaper {
  readonly #o: TombstoneReaperOptions;
  #timer: TimerHandle | undefined;
  #running = false;
  #reaped = 0;
  #deferred = 0;
  #ringSeen: readonly string[] | undefined;
  #ringChangedAtMs = 0;

  constructor(options: TombstoneReaperOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = this.#o.clock.setInterval(REAP_INTERVAL_MS, () => void this.round());
  }

  stop(): void {
    this.#timer?.cancel();
  }

  /** Records removed after every replica confirmed. */
  get reaped(): number {
    return this.#reaped;
  }

  /** Candidates left for a later sweep: a replica did not answer or held more. */
  get deferred(): number {
    return this.#deferred;
  }

  async round(): Promise<void> {
    if (this.#running) return;
    const { replica, budget, clock, logger } = this.#o;
    const waiting = Math.min(REAP_BATCH_MAX, replica.reapCandidates);
    if (waiting === 0 || !budget.tryTake(clock.monotonicMs(), waiting)) return;
    this.#running = true;
    try {
      const candidates = replica.takeReapCandidates(waiting);
      const outcomes = await Promise.all(candidates.map(({ partition, key }) => this.#reapOne(partition, key)));
      if (outcomes.some(Boolean)) await this.#o.commit();
    } catch (err) {
      // A full disk or a store closing: the records are still there; the sweep offers them again.
      logger.warn({ err: (err as Error).message }, 'tombstone reaping round failed');
    } finally {
      this.#running = false;
    }
  }

  #ringSettled(nowMs: number): boolean {
    const owners = this.#o.view.owners();
    if (owners !== this.#ringSeen && (this.#ringSeen === undefined || owners.join() !== this.#ringSeen.join())) {
      this.#ringChangedAtMs = nowMs;
    }
    this.#ringSeen = owners;
    return nowMs - this.#ringChangedAtMs >= REAP_RING_SETTLED_MS;
  }

  async #reapOne(partition: number, key: Buffer): Promise<boolean> {
    const { replica, replicas, view, clock, n, tombstoneGraceMs } = this.#o;
    if (!this.#ringSettled(clock.monotonicMs()) || (view.handoffSources?.(partition) ?? []).length > 0) {
      this.#deferred++;
      return false;
    }
    const local = replica.read(partition, key);
    if (sweepDecision(local, clock.nowMs(), tombstoneGraceMs).kind !== 'reap') return false;
    // Every primary, and every node still handing the partition off after a ring change (it may
    // hold an older value it has yet to push to the primaries).
    const owners = view.owners();
    const primaries = preferenceList(owners, partition, n, () => true).primaries;
    const isPrimary = (node: string) => primaries.some((entry) => entry.node === node);
    const sources = (view.handoffSources?.(partition) ?? []).filter((node) => !isPrimary(node));
    const others: PreflistEntry[] = [...primaries, ...sources.map((node) => ({ node, role: 'primary' as const }))].filter((entry) => entry.node !== view.selfId);
    // Every other owner's hints of the key, one read per primary it might stand in for (a primary
    // never stands in for its own key). This node's own hints are read locally.
    const hintHolders = [...new Set(owners)].filter((node) => !isPrimary(node) && node !== view.selfId);
    for (const node of hintHolders) for (const primary of primaries) others.push({ node, role: 'fallback', standsInFor: primary.node });
    const ownHints = primaries.filter((entry) => entry.node !== view.selfId).map((entry) => this.#o.hintFor(entry.node, partition, key));
    let remotes: DvvSet[];
    try {
      remotes = [...ownHints, ...(await Promise.all(others.map((entry) => replicas.read(entry, partition, key))))];
    } catch {
      this.#deferred++;
      return false;
    }
    // Each primary (and each hint) holds exactly this record (so no older value survives there:
    // the tombstone supersedes it), or nothing at all (it reaped already, or never had the key).
    if (!remotes.every((remote) => remote.entries.length === 0 || sameHistory(local, remote))) {
      this.#deferred++;
      return false;
    }
    const removed = replica.reapConfirmed(partition, key, local);
    if (removed) this.#reaped++;
    return removed;
  }
}

/** Whether two records cover each other: the same versions and the same causal history. */
function sameHistory(a: DvvSet, b: DvvSet): boolean {
  return equalSets(sync(a, b), a) && equalSets(sync(b, a), b);
}
