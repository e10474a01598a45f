import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/log';
import { GroupCommit } from './group-commit';
import {
  MAX_KEY_BYTES,
  StorageError,
  StorageFullError,
  TABLES,
  isStorableKey,
  type KeyRange,
  type Store,
  type Table,
} from './store';

/**
 * The Store contract in memory, for unit tests and the deterministic simulator. Group commit,
 * failure and visibility follow LmdbStore exactly (both use GroupCommit); on top it can crash
 * (losing staged writes) and simulate a full disk.
 *
 * Layout: keys are latin1 strings (one char per byte), whose `<` order is the bytes' order, so a
 * table is a Map plus a sorted key array for scans. New keys wait in a set and are sorted and
 * merged into the array by the next scan (inserting each into the array would cost a memmove per
 * key); deletes splice the array (O(log n) search, fast memmove).
 * Writes apply in place; the first write to a key in a group records its committed value, so a
 * failed or crashed group is rolled back exactly and `snapshot()` can reconstruct the committed state.
 */
interface MemoryTable {
  readonly values: Map<string, Buffer>;
  /** Every key of `values` not in `added`, in order. */
  sorted: string[];
  /** Keys added since the last scan, not yet merged into `sorted`. */
  readonly added: Set<string>;
  /** Committed value (undefined = absent) of every key the open group has written. */
  readonly undo: Map<string, Buffer | undefined>;
}

export interface MemoryStoreOptions {
  readonly clock: Clock;
  readonly logger?: Logger;
}

export class MemoryStore implements Store {
  readonly #tables: Record<Table, MemoryTable>;
  readonly #groups: GroupCommit;
  readonly #logger: Logger | undefined;
  #groupHasPuts = false;
  #full = false;
  #closed = false;

  constructor(options: MemoryStoreOptions) {
    this.#logger = options.logger;
    this.#tables = {} as Record<Table, MemoryTable>;
    for (const table of TABLES) this.#tables[table] = { values: new Map(), sorted: [], added: new Set(), undo: new Map() };
    this.#groups = new GroupCommit(options.clock, { commitGroup: () => this.#commitGroup() });
  }

  /** Groups committed so far (across crashes and reopens). */
  get commitCount(): number {
    return this.#groups.commitCount;
  }

  get(table: Table, key: Buffer): Buffer | undefined {
    this.#assertOpen();
    const value = this.#tables[table].values.get(key.toString('latin1'));
    return value === undefined ? undefined : Buffer.from(value);
  }

  put(table: Table, key: Buffer, value: Buffer): void {
    this.#assertOpen();
    if (!isStorableKey(key)) throw new StorageError(`key must be 1..${MAX_KEY_BYTES} bytes, got ${key.length}`);
    this.#groups.beforeWrite();
    if (this.#full) {
      const failure = new StorageFullError('storage full: no space left on the disk');
      this.#abandon(failure);
      throw failure;
    }
    this.#write(table, key.toString('latin1'), Buffer.from(value));
    this.#groupHasPuts = true;
    this.#groups.afterWrite();
  }

  delete(table: Table, key: Buffer): void {
    this.#assertOpen();
    if (!isStorableKey(key)) return;
    this.#groups.beforeWrite();
    this.#write(table, key.toString('latin1'), undefined);
    this.#groups.afterWrite();
  }

  scan(table: Table, range: KeyRange, visit: (key: Buffer, value: Buffer) => boolean): void {
    this.#assertOpen();
    const state = this.#tables[table];
    const end = range.end?.toString('latin1');
    // Re-seek after every visit: visit may write, which changes the sorted keys.
    let sorted = sortedKeys(state);
    let index = range.start === undefined ? 0 : lowerBound(sorted, range.start.toString('latin1'));
    for (;;) {
      const key = sorted[index];
      if (key === undefined || (end !== undefined && key >= end)) return;
      if (!visit(Buffer.from(key, 'latin1'), Buffer.from(state.values.get(key)!))) return;
      this.#assertOpen();
      sorted = sortedKeys(state);
      index = upperBound(sorted, key);
    }
  }

  commit(): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageError('store is closed'));
    return this.#groups.commit();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#groups.flush();
    this.#closed = true;
  }

  /**
   * The process died: staged writes are lost and their `commit()` promises reject with
   * StorageError('crashed') (a dead process never answers; rejecting keeps tests from hanging).
   * The store is left closed; `reopen()` it for the restarted node.
   */
  crash(): void {
    if (this.#closed) return;
    this.#rollback();
    this.#groups.drop(new StorageError('crashed'));
    this.#closed = true;
  }

  /** Make a closed or crashed store usable again, holding what was committed (a restart). */
  reopen(): void {
    this.#closed = false;
  }

  /**
   * Simulate a full disk. While full, every put throws StorageFullError and abandons its group,
   * and a group holding puts fails at commit time (the disk filled between staging and commit),
   * as LMDB does; deletes still succeed, as they do in LmdbStore.
   */
  setFull(full: boolean): void {
    this.#full = full;
  }

  /** A copy of the committed contents (staged writes excluded), by table and hex key, for checkers. */
  snapshot(): Map<Table, Map<string, Buffer>> {
    const out = new Map<Table, Map<string, Buffer>>();
    for (const table of TABLES) {
      const { values, undo } = this.#tables[table];
      const committed = new Map<string, Buffer>(values);
      for (const [key, value] of undo) {
        if (value === undefined) committed.delete(key);
        else committed.set(key, value);
      }
      // Hex keeps the byte order: every byte is two digits, and '0'-'9' < 'a'-'f'.
      const keys = [...committed.keys()].sort();
      out.set(table, new Map(keys.map((key) => [Buffer.from(key, 'latin1').toString('hex'), Buffer.from(committed.get(key)!)])));
    }
    return out;
  }

  #write(table: Table, key: string, value: Buffer | undefined): void {
    const state = this.#tables[table];
    if (!state.undo.has(key)) state.undo.set(key, state.values.get(key));
    setValue(state, key, value);
  }

  #commitGroup(): void {
    if (this.#full && this.#groupHasPuts) {
      const failure = new StorageFullError('storage full: no space left on the disk');
      this.#rollback();
      this.#logFailure(failure, 'commit');
      throw failure;
    }
    for (const table of TABLES) this.#tables[table].undo.clear();
    this.#groupHasPuts = false;
  }

  #abandon(failure: StorageError): void {
    this.#rollback();
    this.#logFailure(failure, 'stage');
    this.#groups.fail(failure);
  }

  #rollback(): void {
    for (const table of TABLES) {
      const state = this.#tables[table];
      for (const [key, value] of state.undo) setValue(state, key, value);
      state.undo.clear();
    }
    this.#groupHasPuts = false;
  }

  #logFailure(failure: StorageError, stage: 'stage' | 'commit'): void {
    this.#logger?.warn(
      { err: failure, stage, groupWrites: this.#groups.writes, waitingCommits: this.#groups.waiterCount },
      'storage: write group abandoned',
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('store is closed');
  }
}

function setValue(state: MemoryTable, key: string, value: Buffer | undefined): void {
  const had = state.values.has(key);
  if (value === undefined) {
    if (!had) return;
    state.values.delete(key);
    if (!state.added.delete(key)) state.sorted.splice(lowerBound(state.sorted, key), 1);
  } else {
    state.values.set(key, value);
    if (!had) state.added.add(key);
  }
}

/** The table's keys in order, merging in the keys added since the last call. */
function sortedKeys(state: MemoryTable): string[] {
  if (state.added.size === 0) return state.sorted;
  const added = [...state.added].sort();
  state.added.clear();
  const old = state.sorted;
  const merged = new Array<string>(old.length + added.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) {
    merged[k] = j >= added.length || (i < old.length && old[i]! < added[j]!) ? old[i++]! : added[j++]!;
  }
  state.sorted = merged;
  return merged;
}

/** Index of the first key >= `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first key > `key`. */
function upperBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}
