import type { LmdbCursor } from './node-lmdb';
import { MAX_KEY_BYTES, type KeyRange } from './store';

/**
 * Read up to `limit` entries of `range` from a fresh cursor, as [key, value, key, value, ...],
 * starting after `after` when given (resuming a scan). LmdbStore scans chunk by chunk so that no
 * cursor is open while the caller's visit runs (see LmdbStore.scan).
 */
export function readChunk(cursor: LmdbCursor, range: KeyRange, after: Buffer | undefined, limit: number): Buffer[] {
  const { start, end } = range;
  let key: Buffer | null;
  if (after) {
    key = cursor.goToRange(after);
    if (key !== null && key.equals(after)) key = cursor.goToNext();
  } else if (start !== undefined && start.length > 0) {
    // LMDB cannot seek to a key longer than it stores; no stored key lies strictly between the
    // prefix and such a bound, so seeking to the prefix and skipping below `start` is exact.
    key = cursor.goToRange(start.subarray(0, MAX_KEY_BYTES));
    while (key !== null && Buffer.compare(key, start) < 0) key = cursor.goToNext();
  } else {
    key = cursor.goToFirst();
  }
  const out: Buffer[] = [];
  while (key !== null && out.length < 2 * limit && (end === undefined || Buffer.compare(key, end) < 0)) {
    out.push(key, cursor.getCurrentBinary() ?? Buffer.alloc(0));
    key = cursor.goToNext();
  }
  return out;
}
