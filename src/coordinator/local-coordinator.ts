import { Clock } from '../lib/clock';
import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import { LocalReplica } from '../replica/local-replica';
import { StorageError } from '../storage/store';
import { DvvSet, join, siblingCount, update } from '../versioning/dvvset';
import { PruneLimits, prune } from '../versioning/prune';
import { MutationLimits, applyMutation } from './apply-mutation';
import { Coordinator, MutateResult, ReadOptions, WriteOptions } from './coordinator';
import { Mutation } from './mutation';
import { checkKeySize } from './key-limits';
import { contextAfterWrite, supersededTimestampMaxMs } from './new-version-context';

export interface SiblingLimits {
  /** Above this many siblings a key is logged as in trouble. */
  readonly warnAt: number;
  /** A write that would leave more siblings than this is refused. */
  readonly max: number;
}

export const DEFAULT_SIBLING_LIMITS: SiblingLimits = { warnAt: 25, max: 100 };

export interface LocalCoordinatorOptions {
  readonly nodeId: string;
  readonly replica: LocalReplica;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The cluster's default R and W (from --r/--w), used when a request names none. */
  readonly quorum: { readonly r: number; readonly w: number };
  readonly siblingLimits: SiblingLimits;
  readonly pruneLimits: PruneLimits;
  readonly mutationLimits: MutationLimits;
}

/**
 * The coordinator of a single node (N = R = W = 1). Read, decide and stage happen in one
 * synchronous step, so read-modify-write commands (INCR, APPEND, SET NX) are atomic on one node.
 */
export class LocalCoordinator implements Coordinator {
  readonly #options: LocalCoordinatorOptions;
  /** The writer's own clock entry is never pruned: dropping it would let this node reuse a dot. */
  readonly #pruneKeep: ReadonlySet<string>;

  constructor(options: LocalCoordinatorOptions) {
    this.#options = options;
    this.#pruneKeep = new Set([options.nodeId]);
  }

  async read(key: Buffer, options: ReadOptions = {}): Promise<DvvSet> {
    checkQuorum('R', options.r ?? this.#options.quorum.r);
    const { replica } = this.#options;
    return replica.read(replica.partitionOf(key), key);
  }

  async mutate(key: Buffer, mutation: Mutation, options: WriteOptions = {}): Promise<MutateResult> {
    checkQuorum('W', options.w ?? this.#options.quorum.w);
    checkKeySize(key);
    const { replica, clock, nodeId } = this.#options;
    const partition = replica.partitionOf(key);
    const current = replica.read(partition, key);
    const nowMs = clock.nowMs();
    const outcome = applyMutation(mutation, current, nowMs, this.#options.mutationLimits);
    if (outcome.write === undefined) return { result: outcome.result, context: join(current) };
    const context = outcome.context === 'current' ? join(current) : outcome.context;
    const timestampMs = Math.max(nowMs, supersededTimestampMaxMs(current, context) + 1);
    const next = prune(update(current, context, nodeId, { ...outcome.write, timestampMs }, nowMs), this.#options.pruneLimits, nowMs, this.#pruneKeep);
    this.#checkSiblings(key, next);
    try {
      replica.write(partition, key, current, next);
      await replica.commit();
    } catch (err) {
      // A full or failing disk is the client's answer, not a crash: nothing was acknowledged.
      if (err instanceof StorageError) throw new ReplyError(`ERR write refused, ${err.message}`);
      throw err;
    }
    return { result: outcome.result, context: contextAfterWrite(context, next, nodeId) };
  }

  async flushAll(): Promise<void> {
    const removed = this.#options.replica.clear();
    try {
      await this.#options.replica.commit();
    } catch (err) {
      if (err instanceof StorageError) throw new ReplyError(`ERR flush failed, ${err.message}`);
      throw err;
    }
    this.#options.logger.info({ removed }, 'flushed all keys');
  }

  #checkSiblings(key: Buffer, next: DvvSet): void {
    const count = siblingCount(next);
    const { warnAt, max } = this.#options.siblingLimits;
    if (count > max) {
      throw new ReplyError(`ERR too many siblings (${count}, max ${max}): read the key with VGET and write back with its context`);
    }
    if (count > warnAt) this.#options.logger.warn({ key: key.toString('latin1').slice(0, 64), siblings: count }, 'sibling count is high');
  }
}

/** A single node is its only replica: asking for more than one reply can never be met. */
function checkQuorum(name: 'R' | 'W', requested: number): void {
  if (requested > 1) {
    throw new ReplyError(`UNAVAILABLE ${name}=${requested} cannot be met: 1 replica in this cluster`);
  }
}
