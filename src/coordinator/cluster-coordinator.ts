import { Breaks, NO_BREAKS } from '../lib/breaks';
import { Clock } from '../lib/clock';
import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';
import { PreflistEntry, preferenceList } from '../ring/preference-list';
import { decodeContext } from '../versioning/context-codec';
import { DvvSet, EMPTY_DVVSET, join, makeVersion, siblingCount, sync, update } from '../versioning/dvvset';
import { ownedIfSmall } from '../versioning/owned-bytes';
import { PruneLimits, prune } from '../versioning/prune';
import { MutationLimits, applyMutation } from './apply-mutation';
import type { ClusterView } from './cluster-view';
import { Coordinator, MutateResult, ReadOptions, WriteOptions } from './coordinator';
import { checkKeySize } from './key-limits';
import { SiblingLimits } from './sibling-limits';
import { Mutation, isDataTypeMutation } from './mutation';
import { decodeResult, encodeMutation } from './mutation-codec';
import { supersededTimestampMaxMs } from './new-version-context';
import { WriteOutcome } from './write-outcome';
import { ReplicaClient, ReplicaUnavailableError } from './replica-client';
import { ReplicaReads, winnerOnly } from './replica-reads';
import { ReplicaWrites } from './replica-writes';
import { flushCluster } from './cluster-flush';
import type { FlushGenerations } from './flush-generations';
import { dropFlushed } from '../versioning/flush';

export interface ClusterCoordinatorOptions {
  readonly view: ClusterView;
  readonly replica: LocalReplica;
  readonly hints: HintStore;
  readonly replicas: ReplicaClient;
  /** The FLUSHALL generation: new versions carry it; adopting a newer one renews the actor. */
  readonly flush: FlushGenerations;
  readonly clock: Clock;
  /** Draws the actor epochs. */
  readonly random: Random;
  readonly logger: Logger;
  readonly quorum: { readonly n: number; readonly r: number; readonly w: number };
  readonly siblingLimits: SiblingLimits;
  readonly pruneLimits: PruneLimits;
  readonly mutationLimits: MutationLimits;
  /** Deliberate bugs for the simulator only (src/lib/breaks.ts); production leaves this unset. */
  readonly breaks?: Breaks;
}

/**
 * One coordination of a write, as its steps pass it along: what is written where, and the
 * FLUSHALL generation it was stamped with (undefined before it stamped).
 */
interface WriteJob {
  readonly key: Buffer;
  readonly partition: number;
  readonly targets: readonly PreflistEntry[];
  readonly selfTarget: PreflistEntry | undefined;
  readonly mutation: Mutation;
  readonly required: number;
  stampedGeneration: number | undefined;
}

export interface ClusterWriteOptions extends WriteOptions {
  /** Set when a peer forwarded the write here: coordinate it, never forward again (one hop). */
  readonly forwarded?: boolean;
}

/**
 * Dynamo's coordinator over N replicas with sloppy quorums. Reads go to the key's N targets (the
 * usable primaries plus fallbacks standing in for the others) and answer after R replies, then
 * repair stale replicas. A write is coordinated by the first usable primary (a node that is not
 * one forwards it there, one hop), which applies the mutation to its own replica (so its DVV
 * counters are never behind its own writes), and answers after W acknowledgements; fallbacks store
 * the write as a hint for the primary they stand in for.
 */
export class ClusterCoordinator implements Coordinator {
  readonly #o: ClusterCoordinatorOptions;
  readonly #selfId: string;
  /**
   * The DVV actor this coordinator issues dots as: the node id plus an epoch drawn at random when
   * the coordinator starts and again after any failed local write (Riak's vnode epochs, in
   * spirit). A dot can escape before it is durable here (a peer's read sees a staged write, read
   * repair spreads it); if the write is then lost to a crash or a failed commit, this node must
   * never issue that dot again with another value, and a fresh actor guarantees it without any
   * persisted counter. Old actors' entries are pruned like any other.
   */
  #actor = '';
  #pruneKeep: ReadonlySet<string>;
  readonly #reads: ReplicaReads;
  readonly #writes: ReplicaWrites;
  readonly #breaks: Breaks;
  /** The ring the current actor epoch was drawn under (see #newEpochOnRingChange). */
  #ringSeen: readonly string[] | undefined;

  constructor(options: ClusterCoordinatorOptions) {
    this.#o = options;
    this.#breaks = options.breaks ?? NO_BREAKS;
    this.#selfId = options.view.selfId;
    this.#pruneKeep = new Set();
    this.#newEpoch();
    this.#writes = new ReplicaWrites({
      replica: options.replica,
      hints: options.hints,
      replicas: options.replicas,
      logger: options.logger,
      breaks: this.#breaks,
      // The dot may have been seen by a peer while staged: never issue it again.
      onOwnWriteFailed: () => this.#newEpoch(),
    });
    this.#reads = new ReplicaReads({
      view: options.view,
      replicas: options.replicas,
      flush: options.flush,
      logger: options.logger,
      breaks: this.#breaks,
      clock: options.clock,
      readLocal: (target, partition, key) => this.#readLocal(target, partition, key),
      writeLocal: (target, partition, key, local, next) => this.#writes.writeLocal(target, partition, key, local, next),
    });
    // No actor issues dots in two flush generations (src/versioning/flush.ts relies on it).
    options.flush.onAdopt(() => this.#newEpoch());
    // A removed record takes its clock with it: if it held this actor's dots, the next write to
    // the key would count from 1 again and reissue them. A new actor cannot collide.
    options.replica.onRecordRemoved((_key, removed) => {
      if (removed.entries.some((entry) => entry.actor === this.#actor)) this.#newEpoch();
    });
  }

  read(key: Buffer, options: ReadOptions = {}): DvvSet | Promise<DvvSet> {
    const partition = this.#o.replica.partitionOf(key);
    const { targets } = this.#preflist(partition);
    const required = options.r ?? this.#o.quorum.r;
    // A ring of one (or N=1 with this node the owner): the local replica is the whole answer.
    const sources = this.#reads.handoffSources(partition, targets);
    if (targets.length === 1 && required === 1 && targets[0].node === this.#selfId && sources.length === 0) return this.#readLocal(targets[0], partition, key);
    return this.#reads.quorumRead(key, partition, targets, required, 'R', sources);
  }

  /**
   * Not an async function, nor are the steps of the common path (this node a primary, nothing to
   * read from others): V8 keeps a suspended async function's whole register file on the heap, and
   * these are large functions, so each level of `await` cost a write about a kilobyte of garbage.
   */
  mutate(key: Buffer, mutation: Mutation, options: ClusterWriteOptions = {}): Promise<MutateResult> {
    try {
      checkKeySize(key);
      this.#newEpochOnRingChange();
      const partition = this.#o.replica.partitionOf(key);
      const preflist = this.#preflist(partition);
      const selfTarget = this.#selfTargetOf(preflist.targets);
      // A write whose result depends on the current value (INCR, APPEND, SET NX...) is coordinated
      // by the key's first usable primary only, so concurrent ones serialize on one replica instead
      // of each computing from its own copy (which would lose increments). A blind write (SET,
      // VSET, VDEL) may be coordinated by any primary: concurrent ones correctly become siblings.
      const coordinatesHere = options.forwarded || (selfTarget?.role === 'primary' && !readsCurrentValue(mutation));
      if (!coordinatesHere) {
        const primaries = preflist.targets.filter((t) => t.role === 'primary');
        const coordinatorNode = primaries[0]?.node;
        if (coordinatorNode !== undefined && coordinatorNode !== this.#selfId) {
          return this.#forwardOrCoordinate(key, mutation, options, partition, preflist.targets, selfTarget, primaries);
        }
      }
      return this.#coordinateOnce(key, partition, preflist.targets, selfTarget, mutation, options.w ?? this.#o.quorum.w);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Forward to the first primary that takes the write; coordinate here if every earlier one failed. */
  async #forwardOrCoordinate(
    key: Buffer,
    mutation: Mutation,
    options: ClusterWriteOptions,
    partition: number,
    targets: readonly PreflistEntry[],
    selfTarget: PreflistEntry | undefined,
    primaries: readonly PreflistEntry[],
  ): Promise<MutateResult> {
    for (const target of primaries) {
      if (target.node === this.#selfId) break; // the earlier primaries failed: coordinate here
      const forwarded = await this.#tryForward(target.node, key, mutation, options.w);
      if (forwarded) return forwarded;
    }
    return this.#coordinateOnce(key, partition, targets, selfTarget, mutation, options.w ?? this.#o.quorum.w);
  }

  /**
   * Coordinate the write; should a FLUSHALL be adopted after it was stamped with the old
   * generation (a replica knew it), the write was dropped, and it is coordinated once more, after
   * the flush, as Redis would order a write that arrived while FLUSHALL ran. (A flush learnt
   * before the stamp needs no retry: the write was applied to the stripped state and stamped
   * with the new generation.)
   */
  #coordinateOnce(key: Buffer, partition: number, targets: readonly PreflistEntry[], selfTarget: PreflistEntry | undefined, mutation: Mutation, required: number): Promise<MutateResult> {
    const job: WriteJob = { key, partition, targets, selfTarget, mutation, required, stampedGeneration: undefined };
    const current = () => job.stampedGeneration === undefined || job.stampedGeneration === this.#o.flush.current;
    const retry = () => {
      this.#o.logger.debug({ flushGeneration: this.#o.flush.current }, 'write raced a FLUSHALL: coordinating it again');
      const again = this.#preflist(partition);
      return this.#coordinate({ ...job, targets: again.targets, selfTarget: this.#selfTargetOf(again.targets), stampedGeneration: undefined });
    };
    return this.#coordinate(job).then(
      (outcome) => (current() ? outcome : retry()),
      (err: unknown) => {
        if (current()) throw err;
        return retry();
      },
    );
  }

  flushAll(): Promise<void> {
    const { view, replica, replicas, flush, logger } = this.#o;
    return flushCluster({ view, replica, replicas, flush, logger });
  }

  /**
   * A node that stops being a primary of a partition hands its records off and drops them
   * (src/handoff/partition-transfer.ts); should the ring give the partition back, its replica no
   * longer holds the dots it issued there, and its next write to such a key would issue one of
   * them again (the simulator found this with joins and leaves). A ring change therefore starts
   * a new actor epoch: dots of the new actor cannot collide with anything dropped before. Ring
   * changes are rare, so the extra clock entries are few (and pruned like any other).
   */
  #newEpochOnRingChange(): void {
    const owners = this.#o.view.owners();
    if (owners === this.#ringSeen) return;
    if (this.#ringSeen !== undefined) this.#newEpoch();
    this.#ringSeen = owners;
  }

  #newEpoch(): void {
    this.#actor = this.#oneOffActor();
    this.#pruneKeep = new Set([this.#actor]);
  }

  #oneOffActor(): string {
    return `${this.#selfId}.${this.#o.random.bytes(4).toString('hex')}`;
  }

  /** Bound once: the preference list asks it on every request. */
  readonly #isUsable = (node: string): boolean => this.#o.view.isUsable(node);

  #selfTargetOf(targets: readonly PreflistEntry[]): PreflistEntry | undefined {
    for (let i = 0; i < targets.length; i++) if (targets[i].node === this.#selfId) return targets[i];
    return undefined;
  }

  #preflist(partition: number) {
    const { view, quorum } = this.#o;
    return preferenceList(view.owners(), partition, quorum.n, this.#isUsable);
  }

  async #tryForward(node: string, key: Buffer, mutation: Mutation, w: number | undefined): Promise<MutateResult | undefined> {
    try {
      const reply = await this.#o.replicas.forward(node, key, encodeMutation(mutation), w);
      return { result: decodeResult(reply.result), context: decodeContext(reply.context) };
    } catch (err) {
      if (err instanceof ReplyError) throw err;
      if (err instanceof ReplicaUnavailableError && err.maybeApplied) {
        // The coordinator may have applied it: coordinating again elsewhere would store the one
        // client write twice, as two concurrent versions. Tell the client the outcome is unknown.
        throw new ReplyError(`UNAVAILABLE the write was sent to ${node} but no answer came (it may or may not have been applied): ${err.message}`);
      }
      this.#o.logger.debug({ node, err: (err as Error).message }, 'forward not sent, trying the next primary');
      return undefined;
    }
  }

  #coordinate(job: WriteJob): Promise<MutateResult> {
    const sources = this.#reads.handoffSources(job.partition, job.targets);
    const mergesReplicas = isDataTypeMutation(job.mutation) && job.targets.length > 1;
    // The common case: a primary with nothing to learn from others decides at once.
    if (job.selfTarget?.role === 'primary' && sources.length === 0 && !mergesReplicas) return this.#decideAndReplicate(job, EMPTY_DVVSET);
    return this.#readThenDecide(job, sources, mergesReplicas);
  }

  /** What a coordinator must read from other replicas before it decides. */
  async #readThenDecide(job: WriteJob, sources: readonly PreflistEntry[], mergesReplicas: boolean): Promise<MutateResult> {
    const { key, partition, targets } = job;
    // A primary's own replica holds every dot it ever issued for the key. Anyone else must learn
    // its counters from the replicas first, or it could issue a dot that already exists.
    let remote = EMPTY_DVVSET;
    if (job.selfTarget?.role !== 'primary') remote = await this.#reads.quorumRead(key, partition, targets, 1, 'W', sources);
    else {
      // While the partition is being handed to this primary, the old owners may still hold the
      // key's current version: an INCR or APPEND must start from it, not from an empty replica.
      const handedOver = sources.length > 0 ? await this.#reads.readSources(partition, key, sources) : EMPTY_DVVSET;
      // A data type mutation also merges what R replicas hold, so that an SREM removes the adds
      // other coordinators made (an observed remove only removes what it observed).
      const merged = mergesReplicas ? await this.#readForMerge(key, partition, targets) : EMPTY_DVVSET;
      if (handedOver !== EMPTY_DVVSET || merged !== EMPTY_DVVSET) remote = sync(merged, handedOver);
    }
    return this.#decideAndReplicate(job, remote);
  }

  /** Decide the new version from the local replica and `remote`, then write it to the targets. */
  #decideAndReplicate(job: WriteJob, remote: DvvSet): Promise<MutateResult> {
    const { key, partition, targets, selfTarget, mutation, required } = job;
    const { replica, clock } = this.#o;
    const primary = selfTarget?.role === 'primary';
    // From here to the local write nothing awaits: concurrent mutations of the key on this node
    // serialize, each seeing its predecessors in the local replica.
    const local = primary ? replica.read(partition, key) : this.#readLocal(selfTarget, partition, key);
    // Stamped now, with no await until the write: a flush learnt while reading above is applied
    // to what was read (nothing from before it survives into the new version).
    const flushGeneration = this.#o.flush.current;
    job.stampedGeneration = flushGeneration;
    const seen = dropFlushed(!primary ? remote : remote === EMPTY_DVVSET ? local : sync(local, remote), flushGeneration);
    const nowMs = clock.nowMs();
    // A non-primary coordinator (no primary reachable) learned its counters from a partial read,
    // which may miss dots it issued before: it writes as a one-off actor that cannot collide.
    const actor = primary ? this.#actor : this.#oneOffActor();
    const seenVector = join(seen);
    // update() gives the new version this dot when its context is `join(seen)`, as every
    // read-modify-write mutation's is; data types name their entries and set dots after it.
    const writer = { actor, counter: (seenVector.get(actor) ?? 0) + 1 };
    // Contexts are bounded (CONTEXT_COUNTER_MAX), so this only guards peers' records.
    if (!Number.isSafeInteger(writer.counter + 1)) throw new ReplyError('ERR the key\'s clock is exhausted for this node: write it with a context of another node');
    // Break 'datatype-write-drops-siblings': a counter or set write applies on the LWW winner only,
    // yet supersedes every sibling (the merge on read skipped).
    const applied = isDataTypeMutation(mutation) && this.#breaks.has('datatype-write-drops-siblings') ? winnerOnly(seen) : seen;
    const outcome = applyMutation(mutation, applied, nowMs, this.#o.mutationLimits, writer);
    if (outcome.write === undefined) return Promise.resolve({ result: outcome.result, context: seenVector });
    const context = outcome.context === 'current' ? seenVector : outcome.context;
    const timestampMs = Math.max(nowMs, supersededTimestampMaxMs(seen, context) + 1);
    const keep = actor === this.#actor ? this.#pruneKeep : new Set([actor]);
    const { write } = outcome;
    // Fields spelled out: spreading `write` in took V8's slow object-clone path (1.4 us a write).
    const version = makeVersion({ data: ownedIfSmall(write.data), tombstone: write.tombstone, timestampMs, expiresAtMs: write.expiresAtMs, flushGeneration, kind: write.kind });
    const updated = update(seen, context, actor, version, nowMs);
    const next = prune(updated, this.#o.pruneLimits, nowMs, keep);
    this.#checkSiblings(next);
    // `next` grew from the local replica alone, unpruned: it already holds everything the replica
    // does (update only raises counters and supersedes covered dots), so the local write needs no
    // merge with the replica's copy.
    const coversLocal = primary && seen === local && next === updated;
    const written = new WriteOutcome(outcome.result, context, next, actor);
    // A ring of one with W <= 1 (a single node): the local commit is the write; one promise step.
    if (primary && targets.length === 1 && required <= 1) return this.#writes.writeLocal(selfTarget, partition, key, local, next, coversLocal).then(() => written, this.#writes.ownWriteFailed);
    return this.#writes.replicate(key, partition, targets, selfTarget, local, next, required, coversLocal).then(() => written);
  }

  /** R replicas merged, for a data type mutation to apply on; the local replica alone if R cannot be met (the write still needs W). */
  async #readForMerge(key: Buffer, partition: number, targets: readonly PreflistEntry[]): Promise<DvvSet> {
    try {
      return await this.#reads.quorumRead(key, partition, targets, this.#o.quorum.r, 'R');
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      this.#o.logger.debug({ err: err.message }, 'data type write applies on the local replica only');
      return EMPTY_DVVSET;
    }
  }

  #readLocal(target: PreflistEntry | undefined, partition: number, key: Buffer): DvvSet {
    if (!target) return EMPTY_DVVSET;
    return target.standsInFor ? this.#o.hints.read(target.standsInFor, partition, key) : this.#o.replica.read(partition, key);
  }

  #checkSiblings(next: DvvSet): void {
    const count = siblingCount(next);
    const { warnAt, max } = this.#o.siblingLimits;
    if (count > max) throw new ReplyError(`ERR too many siblings (${count}, max ${max}): read the key with VGET and write back with its context`);
    if (count > warnAt) this.#o.logger.warn({ siblings: count }, 'sibling count is high');
  }
}

/** Mutations whose outcome depends on the value they find (everything but blind writes). */
function readsCurrentValue(mutation: Mutation): boolean {
  switch (mutation.kind) {
    case 'vset':
    case 'vdel':
      return false;
    case 'set':
      return mutation.condition !== undefined || mutation.returnPrevious || mutation.expiresAtMs === 'keep';
    default:
      return true;
  }
}


