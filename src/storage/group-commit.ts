import type { Clock } from '../lib/clock';
import { StorageError } from './store';

/**
 * Group-commit bookkeeping shared by LmdbStore and MemoryStore, so the simulator's store keeps
 * exactly the promises the real one keeps.
 *
 * A group is opened by the first write of an event-loop turn, which schedules `clock.defer` to
 * commit it; every later write of the turn joins it. `commit()` hands out one promise per group,
 * created lazily so that a failed group nobody waits for never becomes an unhandled rejection
 * (which would kill the process).
 *
 * When a group fails while staging, the rest of the turn fails with it ('failed' until the
 * deferred callback runs): a caller whose write was rolled back may call `commit()` later in the
 * same turn, and must see a rejection, not the success of some new group.
 */
export interface GroupHost {
  /** Make the open group durable, or roll it back and throw a StorageError. */
  commitGroup(): void;
}

type Phase = 'idle' | 'open' | 'failed';

interface Waiters {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: StorageError) => void;
}

export class GroupCommit {
  readonly #clock: Clock;
  readonly #host: GroupHost;
  #phase: Phase = 'idle';
  /** Identifies the open group, so a deferred commit of a group already flushed or dropped is ignored. */
  #generation = 0;
  #writes = 0;
  #waiterCount = 0;
  #waiters: Waiters | undefined;
  #failure: StorageError | undefined;
  #commits = 0;

  constructor(clock: Clock, host: GroupHost) {
    this.#clock = clock;
    this.#host = host;
  }

  /** Writes staged in the open group. */
  get writes(): number {
    return this.#writes;
  }

  /** `commit()` calls waiting on the open group. */
  get waiterCount(): number {
    return this.#waiterCount;
  }

  /** Groups committed successfully so far. */
  get commitCount(): number {
    return this.#commits;
  }

  get isOpen(): boolean {
    return this.#phase === 'open';
  }

  /**
   * Call before staging a write. Returns true when this write opens a group (the host begins its
   * transaction). Throws the turn's failure when the turn's group already failed.
   */
  beforeWrite(): boolean {
    if (this.#phase === 'failed') throw this.#failure;
    if (this.#phase === 'open') return false;
    this.#phase = 'open';
    this.#writes = 0;
    this.#waiterCount = 0;
    const generation = ++this.#generation;
    this.#clock.defer(() => this.#onDeferred(generation));
    return true;
  }

  /** The write was staged. */
  afterWrite(): void {
    this.#writes += 1;
  }

  commit(): Promise<void> {
    if (this.#phase === 'failed') return Promise.reject(this.#failure);
    if (this.#phase === 'idle') return Promise.resolve();
    this.#waiterCount += 1;
    this.#waiters ??= createWaiters();
    return this.#waiters.promise;
  }

  /** The host rolled the open group back because of `error`: reject it and fail the rest of the turn. */
  fail(error: StorageError): void {
    this.#phase = 'failed';
    this.#failure = error;
    this.#settle(error);
  }

  /** Forget the open group (a crash): its waiters get `error`; the next write opens a new group. */
  drop(error: StorageError): void {
    this.#generation += 1;
    this.#phase = 'idle';
    this.#failure = undefined;
    this.#settle(error);
  }

  /** Commit the open group now instead of at the end of the turn (close). */
  flush(): void {
    this.#generation += 1;
    if (this.#phase === 'open') this.#commitNow();
    this.#phase = 'idle';
    this.#failure = undefined;
  }

  #onDeferred(generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#phase === 'open') this.#commitNow();
    this.#phase = 'idle';
    this.#failure = undefined;
  }

  #commitNow(): void {
    try {
      this.#host.commitGroup();
    } catch (error) {
      this.#phase = 'idle';
      this.#settle(error instanceof StorageError ? error : new StorageError(String(error)));
      return;
    }
    this.#commits += 1;
    this.#phase = 'idle';
    this.#settle(undefined);
  }

  #settle(error: StorageError | undefined): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    this.#writes = 0;
    this.#waiterCount = 0;
    if (!waiters) return;
    if (error) waiters.reject(error);
    else waiters.resolve();
  }
}

function createWaiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: StorageError) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}
