/**
 * Partition transfer, the decisions (pure; src/handoff/partition-transfer.ts does the I/O).
 *
 * A node is a transfer SOURCE for every partition it holds records of without being one of the
 * partition's N primaries in the current ring (a join or a leave moved the partition away, or a
 * hint or a stale coordinator put a record there). It pushes the partition's records, in key
 * order, in batches cut by `TransferLimits`, to every current primary; a batch counts only once
 * EVERY primary acknowledged it, and then the source drops each record of the batch that did not
 * change since it was read for sending (a write that landed meanwhile stays, and is sent again
 * by the next pass over the partition). The partition is done when the source holds no record of
 * it any more. So a record leaves the source only once every current primary holds it (or a
 * newer version): the old owner serves whatever is not on all the new owners yet.
 *
 * The cursor (the last key of the last batch every target acknowledged) is persisted with the
 * drops, in one store group, so a restarted source resumes after it; records before it that are
 * still there changed in flight, and a pass that reaches the end starts again from the start for
 * them (`afterPassEnd`).
 */
import { preferenceList } from '../ring/preference-list';

export interface TransferLimits {
  /** Records in one batch (receivers refuse more than TRANSFER_RECORDS_RECEIVED_MAX, 1024). */
  readonly recordsPerBatchMax: number;
  /** Encoded record bytes in one batch; a single larger record still goes, alone. */
  readonly bytesPerBatchMax: number;
}

/**
 * 128 records or 512 KiB: one batch is a few milliseconds of work for either side, and with the
 * largest value (maxValueBytes) it stays inside a peer frame (maxValueBytes + 1 MiB).
 */
export const DEFAULT_TRANSFER_LIMITS: TransferLimits = { recordsPerBatchMax: 128, bytesPerBatchMax: 512 * 1024 };

export interface Handoff {
  readonly partition: number;
  /** The partition's primaries in the current ring: every one must acknowledge every batch. */
  readonly targets: readonly string[];
}

/** Primaries of every partition (index = partition), from the ring's owners. */
export function primariesByPartition(owners: readonly string[], n: number): ReadonlyArray<readonly string[]> {
  return owners.map((_, p) => preferenceList(owners, p, n, () => true).primaries.map((entry) => entry.node));
}

/** The hand-off set: partitions held here minus those this node is a primary of, in order. */
export function planHandoffs(selfId: string, primaries: ReadonlyArray<readonly string[]>, held: Iterable<number>): Handoff[] {
  return [...new Set(held)]
    .sort((a, b) => a - b)
    .filter((p) => p < primaries.length && !primaries[p]!.includes(selfId))
    .map((partition) => ({ partition, targets: primaries[partition]! }));
}

/**
 * The next hand-off to send a batch of: the first after partition `after` (wrapping, so every
 * partition gets its turn) whose targets are all usable and none has a batch in flight (one
 * batch per target at a time). A down target stalls only the partitions it is a primary of.
 */
export function nextHandoff(handoffs: readonly Handoff[], after: number, isUsable: (node: string) => boolean, busy: ReadonlySet<string>): Handoff | undefined {
  const ordered = [...handoffs.filter((h) => h.partition > after), ...handoffs.filter((h) => h.partition <= after)];
  return ordered.find((h) => h.targets.length > 0 && h.targets.every((t) => isUsable(t) && !busy.has(t)));
}

/** Whether a record of `bytes` joins a batch that holds `count` records of `batchBytes` so far. */
export function fitsInBatch(count: number, batchBytes: number, bytes: number, limits: TransferLimits): boolean {
  if (count === 0) return true;
  return count < limits.recordsPerBatchMax && batchBytes + bytes <= limits.bytesPerBatchMax;
}

/** A batch counts only when every target acknowledged it. */
export function batchAcknowledged(targets: readonly string[], acked: ReadonlySet<string>): boolean {
  return targets.length > 0 && targets.every((t) => acked.has(t));
}

/**
 * The records of an acknowledged batch that may be dropped: those whose current version is still
 * the one sent (`unchanged` compares them); a changed one stays for the next pass.
 */
export function droppable<T>(sent: readonly T[], unchanged: (record: T) => boolean): T[] {
  return sent.filter(unchanged);
}

/** The cursor after an acknowledged batch: never moves back within a pass. */
export function advanceCursor(cursor: Buffer | undefined, lastSentKey: Buffer): Buffer {
  return cursor !== undefined && Buffer.compare(cursor, lastSentKey) >= 0 ? cursor : lastSentKey;
}

/**
 * A scan after the cursor found nothing. If the partition still holds records (changed while in
 * flight), the next pass starts from the beginning ('restart'); if not, the hand-off is done.
 */
export function afterPassEnd(partitionHoldsRecords: boolean): 'restart' | 'done' {
  return partitionHoldsRecords ? 'restart' : 'done';
}

/** Whether a leaving node may report that it is safe to stop: nothing to hand off, no hints held. */
export function leaveComplete(status: string, handoffs: readonly Handoff[], hintsPending: number): boolean {
  return status === 'leaving' && handoffs.length === 0 && hintsPending === 0;
}
