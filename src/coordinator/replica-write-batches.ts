/**
 * The replica writes this node sends to one peer while one turn's output is gathered, sent as
 * one ReplicaWriteBatch (protocol version 3): a coordinator's group commit releases a write per
 * key to each other replica, and one request for all of them costs each side one envelope, one
 * pending request and one reply instead of one per write. Every write still settles on its own,
 * with the outcome the peer gave it.
 *
 * A write alone, one too large to share a batch, or any write to a peer whose connection is not
 * (yet) at version 3 goes as a plain ReplicaWrite. Writes queued for a peer leave at the end of
 * the turn (clock.deferOutput), which is when a lone request's frame would have left anyway.
 */
import type { Clock } from '../lib/clock';
import type { ReplicaWriteItem } from '../peer/bodies';

/** Writes in one batch at most; a longer queue is split. */
export const REPLICA_WRITE_BATCH_MAX = 256;
/**
 * Key and record bytes in one batch at most, far below the peer frame limit (frameBytesMax: the
 * value limit plus 1 MiB), so a batch is never refused for its size. A larger write goes alone.
 */
export const REPLICA_WRITE_BATCH_BYTES_MAX = 256 * 1024;

export interface ReplicaWriteBatchesDeps {
  readonly clock: Clock;
  /** Whether `node`'s connection speaks a version that knows ReplicaWriteBatch now. */
  readonly acceptsBatches: (node: string) => boolean;
  /** Send one write as a plain ReplicaWrite; resolves once stored there. */
  readonly sendOne: (node: string, write: ReplicaWriteItem) => Promise<void>;
  /** Send a batch; resolves with each write's outcome in order (undefined: stored). */
  readonly sendBatch: (node: string, writes: ReplicaWriteItem[]) => Promise<ReadonlyArray<Error | undefined>>;
}

/** Called once with a write's outcome: undefined when stored, else why not. */
export type WriteDone = (error: unknown) => void;

interface QueuedWrite {
  readonly write: ReplicaWriteItem;
  readonly done: WriteDone;
}

export class ReplicaWriteBatches {
  readonly #deps: ReplicaWriteBatchesDeps;
  readonly #queues = new Map<string, QueuedWrite[]>();

  constructor(deps: ReplicaWriteBatchesDeps) {
    this.#deps = deps;
  }

  /**
   * Queue `write` for `node`; `done` learns its outcome as that write alone would have. A
   * callback, not a promise: one write per key and peer of every SET comes through here, and
   * the coordinator's quorum count needs no promise per write.
   */
  add(node: string, write: ReplicaWriteItem, done: WriteDone): void {
    let queue = this.#queues.get(node);
    if (queue === undefined) {
      this.#queues.set(node, (queue = []));
      this.#deps.clock.deferOutput(() => this.#dispatch(node));
    }
    queue.push({ write, done });
  }

  #dispatch(node: string): void {
    const queue = this.#queues.get(node);
    if (queue === undefined) return;
    this.#queues.delete(node);
    if (queue.length === 1 || !this.#deps.acceptsBatches(node)) {
      for (const queued of queue) this.#sendOne(node, queued);
      return;
    }
    let start = 0;
    while (start < queue.length) {
      let end = start + 1;
      let bytes = writeBytes(queue[start]!.write);
      while (end < queue.length && end - start < REPLICA_WRITE_BATCH_MAX && bytes + writeBytes(queue[end]!.write) <= REPLICA_WRITE_BATCH_BYTES_MAX) {
        bytes += writeBytes(queue[end]!.write);
        end++;
      }
      if (end - start === 1) this.#sendOne(node, queue[start]!);
      else this.#sendBatch(node, queue.slice(start, end));
      start = end;
    }
  }

  #sendOne(node: string, queued: QueuedWrite): void {
    this.#deps.sendOne(node, queued.write).then(
      () => queued.done(undefined),
      (error: unknown) => queued.done(error ?? new Error('replica write failed')),
    );
  }

  #sendBatch(node: string, batch: QueuedWrite[]): void {
    this.#deps.sendBatch(node, batch.map((queued) => queued.write)).then(
      (outcomes) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.done(outcomes[i]);
      },
      (error: unknown) => {
        for (const queued of batch) queued.done(error ?? new Error('replica write failed'));
      },
    );
  }
}

function writeBytes(write: ReplicaWriteItem): number {
  return write.key.length + write.record.length;
}
