import { Breaks } from '../lib/breaks';
import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import { HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';
import type { PreflistEntry } from '../ring/preference-list';
import { StorageError } from '../storage/store';
import { DvvSet, sync } from '../versioning/dvvset';
import { quorumState } from './quorum';
import type { ReplicaClient } from './replica-client';
import { unavailable } from './replica-reads';

export interface ReplicaWritesOptions {
  readonly replica: LocalReplica;
  readonly hints: HintStore;
  readonly replicas: ReplicaClient;
  readonly logger: Logger;
  readonly breaks: Breaks;
  /** The coordinator's own replica failed to commit: it must never issue that write's dot again. */
  readonly onOwnWriteFailed: () => void;
}

/**
 * The coordinator's write side: a new version to this node's replica (or hint) and the other
 * targets, answered after W acknowledgements; the coordinator's own replica commits first.
 */
export class ReplicaWrites {
  readonly #o: ReplicaWritesOptions;

  constructor(options: ReplicaWritesOptions) {
    this.#o = options;
  }

  /**
   * Send `next` to every target; resolve once `required` acknowledged, reject when that cannot
   * happen. `local` is this node's copy; `coversLocal`: `next` already holds all of it.
   */
  replicate(key: Buffer, partition: number, targets: readonly PreflistEntry[], selfTarget: PreflistEntry | undefined, local: DvvSet, next: DvvSet, required: number, coversLocal = false): Promise<void> {
    if (selfTarget?.role !== 'primary') return this.#toOthers(key, partition, targets, selfTarget, local, next, required, 0);
    // The coordinator's own replica commits first, before any other replica sees the new dot:
    // if it failed after others had stored the version, this node's next write to the key would
    // issue the same dot again with another value (found by the simulator with a full disk).
    const ownWrite = this.writeLocal(selfTarget, partition, key, local, next, coversLocal).then(undefined, this.ownWriteFailed);
    // A ring of one: the local commit is the whole quorum.
    if (targets.length === 1) return required <= 1 ? ownWrite : ownWrite.then(() => Promise.reject(unavailable('W', required, 1, 1)));
    return ownWrite.then(() => this.#toOthers(key, partition, targets, selfTarget, local, next, required, 1));
  }

  /** The coordinator's own replica failed to commit a write: a rejection handler, bound once. */
  readonly ownWriteFailed = (err: unknown): never => {
    this.#o.onOwnWriteFailed();
    if (err instanceof StorageError) {
      this.#o.logger.warn({ err: err.message }, 'local replica write failed');
      throw new ReplyError(`ERR write refused, ${err.message}`);
    }
    throw err;
  };

  /** The rest of replicate(): every target but the coordinator's own committed replica. */
  #toOthers(key: Buffer, partition: number, targets: readonly PreflistEntry[], selfTarget: PreflistEntry | undefined, local: DvvSet, next: DvvSet, required: number, ownAck: number): Promise<void> {
    const others = targets.filter((target) => target !== selfTarget || ownAck === 0);
    const asked = targets.length;
    if (others.length === 0) return ownAck >= required ? Promise.resolve() : Promise.reject(unavailable('W', required, ownAck, asked));
    return new Promise((resolve, reject) => {
      let successes = ownAck;
      let failures = 0;
      let settled = false;
      const check = () => {
        if (settled) return;
        const state = quorumState(this.#o.breaks.has('ack-before-w') ? 1 : required, asked, successes, failures);
        if (state === 'met') {
          settled = true;
          resolve();
        } else if (state === 'failed') {
          settled = true;
          reject(unavailable('W', required, successes, asked));
        }
      };
      const counted = (error: unknown) => {
        if (error === undefined) successes++;
        else failures++;
        check();
      };
      for (const target of others) {
        if (target !== selfTarget) {
          this.#o.replicas.writeThen(target, partition, key, next, counted);
          continue;
        }
        this.writeLocal(target, partition, key, local, next).then(
          () => counted(undefined),
          (err: unknown) => {
            this.#o.logger.warn({ err: (err as Error).message }, 'local hint write failed');
            counted(err ?? new Error('local hint write failed'));
          },
        );
      }
      check();
    });
  }

  /**
   * Stage `next` on this node (its replica, or a hint for the node it stands in for); resolves
   * when committed. Never throws. `local` is what the replica holds; `next` is merged into it
   * unless `coversLocal` says it holds all of it already (the merge would rebuild the same set).
   */
  writeLocal(target: PreflistEntry, partition: number, key: Buffer, local: DvvSet, next: DvvSet, coversLocal = false): Promise<void> {
    try {
      if (target.standsInFor) {
        if (!this.#o.breaks.has('skip-hint-storage')) this.#o.hints.add(target.standsInFor, partition, key, next);
      } else this.#o.replica.write(partition, key, local, coversLocal ? next : sync(local, next));
      return this.#o.replica.commit();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
