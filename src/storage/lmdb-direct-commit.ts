/**
 * A write group committed in one LMDB write transaction on the calling thread: what node-lmdb's
 * batchWrite does on a worker, for the small groups LmdbStore commits on the event loop
 * (SYNC_COMMIT_OPERATIONS_MAX in lmdb-store.ts). Same operations, same outcome: puts, and deletes
 * where a delete of an absent key is not an error.
 */
import { MDB_NOTFOUND } from './lmdb-space';
import type { LmdbDbi, LmdbEnv, LmdbTxn } from './node-lmdb';
import type { BatchOperation } from './write-group';

/** Commit `operations` in one transaction; the error that aborted it, or null once committed. */
export function commitOnThisThread(env: LmdbEnv, operations: readonly BatchOperation<LmdbDbi>[]): Error | null {
  let txn: LmdbTxn | undefined;
  try {
    txn = env.beginTxn();
    for (const operation of operations) {
      if (operation.length === 3) txn.putBinary(operation[0], operation[1], operation[2]);
      else deleteIfPresent(txn, operation[0], operation[1]);
    }
    txn.commit();
    return null;
  } catch (error) {
    try {
      txn?.abort();
    } catch {
      // The transaction is gone with the failure; the group fails either way.
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function deleteIfPresent(txn: LmdbTxn, dbi: LmdbDbi, key: Buffer): void {
  try {
    txn.del(dbi, key);
  } catch (error) {
    if ((error as { code?: unknown }).code !== MDB_NOTFOUND) throw error;
  }
}
