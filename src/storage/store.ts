/**
 * The storage seam. A node's shells receive a Store through their constructor: LmdbStore in a node
 * process, MemoryStore in unit tests and the simulator. Both honour this contract exactly.
 *
 * Writes are staged synchronously and made durable in groups: every write staged during one
 * event-loop turn is committed in one transaction (group commit). A caller acknowledges a write to
 * its client only after `commit()` resolves. Reads and scans see staged writes (read-your-writes
 * inside the node); a crash loses exactly the staged, uncommitted ones.
 *
 * Details both implementations share (see src/storage/README.md):
 * - A group is every write staged in one event-loop turn. If it fails (full disk, full map), every
 *   write of that turn fails: the failing put/delete throws, `commit()` rejects, and any further
 *   write in the same turn throws the same error, so a write that was rolled back can never be
 *   acknowledged by a later `commit()` of the same turn. The next turn starts a fresh group.
 * - Keys are 1..MAX_KEY_BYTES bytes (LMDB's limit). `put` throws StorageError for other keys without
 *   touching the group; `get` returns undefined and `delete` does nothing for them.
 * - Buffers are copied in both directions: `put` may be followed by mutating its arguments, and
 *   every Buffer returned by `get`/`scan` belongs to the caller. The one exception is a put with
 *   `handedOver`: the caller promises never to modify that key and value again (fresh or
 *   immutable buffers, such as an encoded record), so the store may keep them without a copy.
 * - After `close()`, get/put/delete/scan throw StorageError and `commit()` returns a rejected promise.
 */

/** Named tables (LMDB named databases). Keys and values are raw bytes. */
export type Table = 'data' | 'expiry' | 'meta' | 'hints' | 'merkle';

export const TABLES: readonly Table[] = ['data', 'expiry', 'meta', 'hints', 'merkle'];

/** The longest key LMDB stores (its compiled-in MDB_MAXKEYSIZE). Layers above must keep user keys
 * short enough that every derived key (data, expiry, hints) fits. */
export const MAX_KEY_BYTES = 511;

/** True when `key` can be stored: 1..MAX_KEY_BYTES bytes. */
export function isStorableKey(key: Buffer): boolean {
  return key.length > 0 && key.length <= MAX_KEY_BYTES;
}

export interface KeyRange {
  /** Inclusive lower bound; omitted = from the first key. */
  readonly start?: Buffer;
  /** Exclusive upper bound; omitted = to the last key. */
  readonly end?: Buffer;
}

export interface Store {
  get(table: Table, key: Buffer): Buffer | undefined;
  /**
   * Stage a write. Throws StorageFullError when the store cannot take it; the whole pending group
   * is then abandoned and its `commit()` promises reject, so no write in it is ever acknowledged.
   * `reclaiming`: part of a write that takes a key's values away (a delete, an expiry), which a
   * soft space limit lets past it (LmdbStore: into half its headroom), so a store at its limit can
   * be emptied (a full disk still refuses it).
   */
  put(table: Table, key: Buffer, value: Buffer, handedOver?: boolean, reclaiming?: boolean): void;
  delete(table: Table, key: Buffer): void;
  /**
   * Visit entries in byte order of key within `range` until `visit` returns false. `visit` may write
   * to the store; whether the rest of the scan sees those writes is unspecified.
   */
  scan(table: Table, range: KeyRange, visit: (key: Buffer, value: Buffer) => boolean): void;
  /**
   * Resolves once every write staged before this call is committed (and synced to disk when the
   * store is in its durable mode). Rejects with a StorageError if that group could not be committed.
   */
  commit(): Promise<void>;
  /** Commit what is staged and release the store; later calls throw. */
  close(): Promise<void>;
}

/** A write could not be made durable. The message is safe to show a client. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** The store is out of space (LMDB map full, or the disk is). */
export class StorageFullError extends StorageError {
  override name = 'StorageFullError';
}
