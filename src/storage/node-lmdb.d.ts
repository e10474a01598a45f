/**
 * The part of node-lmdb 0.10 that LmdbStore uses, typed for Buffer keys (`keyIsBuffer: true`).
 *
 * node-lmdb ships an index.d.ts, but it types absent values as `Buffer` (they are `null`) and cursor
 * keys as strings, so lmdb-store.ts loads the binding with `require` and these types instead.
 * Errors thrown by the binding carry LMDB's return code as a numeric `code`.
 */

export interface LmdbEnvOptions {
  path: string;
  mapSize: number;
  maxDbs: number;
  /** MDB_NOSYNC: commits are not flushed to disk (survive a process crash, not an OS crash). */
  noSync?: boolean;
}

export interface LmdbDbiOptions {
  name: string;
  create: boolean;
  keyIsBuffer: true;
  /** Open inside this write transaction instead of one of its own. */
  txn?: LmdbTxn;
}

export interface LmdbStat {
  pageSize: number;
  treeDepth: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  entryCount: number;
  /** Present on dbi.stat(txn) only. */
  overflowPages?: number;
}

export interface LmdbInfo {
  mapSize: number;
  lastPageNumber: number;
  lastTxnId: number;
  maxReaders: number;
  numReaders: number;
}

export interface LmdbDbi {
  stat(txn: LmdbTxn): LmdbStat;
  close(): void;
}

export interface LmdbTxn {
  /** A fresh copy of the value, or null when the key is absent. */
  getBinary(dbi: LmdbDbi, key: Buffer): Buffer | null;
  putBinary(dbi: LmdbDbi, key: Buffer, value: Buffer): void;
  /** Throws (code MDB_NOTFOUND) when the key is absent. */
  del(dbi: LmdbDbi, key: Buffer): void;
  commit(): void;
  abort(): void;
  /** Release a read-only transaction's snapshot, keeping the transaction for renew(). */
  reset(): void;
  /** Re-acquire a snapshot (the latest committed state) for a reset read-only transaction. */
  renew(): void;
}

export interface LmdbEnv {
  open(options: LmdbEnvOptions): void;
  openDbi(options: LmdbDbiOptions): LmdbDbi;
  beginTxn(options?: { readOnly: true }): LmdbTxn;
  /**
   * Runs the operations in one write transaction on a libuv worker thread and commits it (synced
   * unless the env has noSync); deleting a missing key is not an error. The buffers must not
   * change until the callback runs.
   */
  batchWrite(operations: Array<[LmdbDbi, Buffer, Buffer] | [LmdbDbi, Buffer]>, options: Record<string, never>, callback: (error: Error | null, results: number[]) => void): void;
  stat(): LmdbStat;
  info(): LmdbInfo;
  close(): void;
}

/** A cursor over a Buffer-keyed database. Moves return a copy of the key, or null at the end. */
export interface LmdbCursor {
  goToFirst(): Buffer | null;
  goToNext(): Buffer | null;
  /** The first key >= `key`. */
  goToRange(key: Buffer): Buffer | null;
  /** A copy of the value under the cursor. */
  getCurrentBinary(): Buffer | null;
  close(): void;
}

export interface NodeLmdb {
  Env: new () => LmdbEnv;
  Cursor: new (txn: LmdbTxn, dbi: LmdbDbi) => LmdbCursor;
}
