import path from 'node:path';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/log';
import { claimDirectory, type DirectoryClaim } from './lmdb-directory';
import { BackgroundSync } from './lmdb-sync';
import {
  defaultHeadroomBytes,
  estimatePutBytes,
  LiveBytesBound,
  roundMapBytes,
  toStorageError,
} from './lmdb-space';
import { commitOnThisThread } from './lmdb-direct-commit';
import { readChunk } from './lmdb-scan';
import { mergeScan, stagedEntries } from './overlay-scan';
import { WriteGroup } from './write-group';
import type { LmdbDbi, LmdbEnv, LmdbTxn, NodeLmdb } from './node-lmdb';
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

// Loaded untyped on purpose: node-lmdb's bundled declarations are wrong in places (see node-lmdb.d.ts).
const lmdb = require('node-lmdb') as NodeLmdb;

/**
 * Writes are staged in memory (a WriteGroup whose overlay reads and scans consult) and committed
 * by node-lmdb's batchWrite: one LMDB transaction per group, run and synced on a libuv worker
 * thread, so a commit's fsync never stalls the event loop (small groups without fsync commit on
 * the event loop instead: SYNC_COMMIT_OPERATIONS_MAX). At most one batch is in flight, so
 * transactions commit in the order their writes were staged; writes staged meanwhile form the
 * next group (groups grow under load, which is what group commit is for).
 *
 * 'fsync': each batch commits with LMDB's synchronous commit, durable on power loss.
 * 'commit': MDB_NOSYNC; a commit survives kill -9 (it is in the OS page cache) but not an OS crash
 * or power loss until the next background sync, which runs at most once a second when something
 * was committed (fdatasync of data.mdb on the libuv pool, off the event loop).
 */
export type Durability = 'fsync' | 'commit';

export interface LmdbStoreOptions {
  readonly path: string;
  /** Limit on the live data; writes beyond it fail with StorageFullError (see lmdb-space.ts). */
  readonly mapBytes: number;
  readonly durability: Durability;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Map space beyond `mapBytes` kept for deletes and copy-on-write; 0 = no soft limit, the map is exactly `mapBytes`. */
  readonly headroomBytes?: number;
  /** Groups up to this many operations commit on the event loop ('commit' durability only); default SYNC_COMMIT_OPERATIONS_MAX, 0 = never. */
  readonly syncCommitOperationsMax?: number;
}

/**
 * With 'commit' durability (no fsync in the commit), a group of at most this many operations,
 * with no batch in flight, commits right on the event loop: a few page writes into the OS cache,
 * tens of microseconds, against a round trip through the libuv pool (a thread wake-up each way,
 * 0.2 ms median on two busy cores) that every acknowledgement waited for. Small groups are what
 * light load and hot keys make (a key staged twice in a group is one operation), so this is the
 * latency of most writes. Larger groups still go to a worker, where their commit overlaps the
 * event loop's next turn; 'fsync' commits always do (an fsync can take milliseconds).
 */
export const SYNC_COMMIT_OPERATIONS_MAX = 8;

export interface LmdbStats {
  /** The configured limit on live data. */
  mapBytes: number;
  /** Pages held by the tables (branch + leaf + overflow) times the page size. */
  usedBytes: number;
  /** High-water mark of the data file: used pages plus free pages awaiting reuse. */
  fileBytes: number;
  entries: Record<Table, number>;
}

const SYNC_INTERVAL_MS = 1000;
const FIRST_SCAN_CHUNK = 16;
const MAX_SCAN_CHUNK = 1024;

export class LmdbStore implements Store {
  readonly #env: LmdbEnv;
  readonly #dbis: Record<Table, LmdbDbi>;
  readonly #claim: DirectoryClaim;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #mapBytes: number;
  readonly #softLimit: boolean;
  /**
   * Reclaiming puts (tombstones and their expiry entries) may pass the soft limit into half the
   * headroom, no further: emptying a full store must not fill the map itself (LMDB would then
   * refuse even deletes).
   */
  readonly #reclaimingLimitBytes: number;
  readonly #pageBytes: number;
  /** Long-lived read-only transaction, reset after each commit and renewed by the next read. */
  readonly #reader: LmdbTxn;
  #readerLive = false;
  /** Writes staged since the last batch was submitted. */
  #pending = new WriteGroup<LmdbDbi>();
  #flushScheduled = false;
  /** The batch being committed on the worker thread. */
  #inFlight: WriteGroup<LmdbDbi> | undefined;
  #inFlightDone: Promise<void> | undefined;
  /** Set when a group was abandoned this turn: later writes of the turn fail too (see `put`). */
  #turnFailure: StorageError | undefined;
  /** The soft limit's view of the committed live data (measured through the read view). */
  readonly #liveBytes = new LiveBytesBound(() => this.#measureLiveBytes(this.#view()));
  #commits = 0;
  #closed = false;
  readonly #sync: BackgroundSync | undefined;
  readonly #syncCommitOperationsMax: number;

  /** Open (creating if needed) the environment in `options.path`; throws StorageError when unusable. */
  static open(options: LmdbStoreOptions): LmdbStore {
    if (!Number.isSafeInteger(options.mapBytes) || options.mapBytes <= 0) {
      throw new StorageError(`mapBytes must be a positive integer, got ${options.mapBytes}`);
    }
    const claim = claimDirectory(options.path);
    const headroomBytes = options.headroomBytes ?? defaultHeadroomBytes(options.mapBytes);
    const env = new lmdb.Env();
    try {
      env.open({
        path: claim.path,
        mapSize: roundMapBytes(options.mapBytes + headroomBytes),
        maxDbs: TABLES.length,
        noSync: options.durability === 'commit',
      });
    } catch (error) {
      claim.release();
      throw new StorageError(`cannot open LMDB environment in ${claim.path}: ${(error as Error).message}`);
    }
    try {
      // One transaction creates all tables: one sync instead of four.
      const txn = env.beginTxn();
      const dbis = {} as Record<Table, LmdbDbi>;
      for (const table of TABLES) dbis[table] = env.openDbi({ name: table, create: true, keyIsBuffer: true, txn });
      txn.commit();
      return new LmdbStore(options, env, dbis, claim, headroomBytes);
    } catch (error) {
      env.close();
      claim.release();
      throw new StorageError(`cannot open the tables in ${claim.path}: ${(error as Error).message}`);
    }
  }

  private constructor(
    options: LmdbStoreOptions,
    env: LmdbEnv,
    dbis: Record<Table, LmdbDbi>,
    claim: DirectoryClaim,
    headroomBytes: number,
  ) {
    this.#env = env;
    this.#dbis = dbis;
    this.#claim = claim;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#mapBytes = options.mapBytes;
    this.#softLimit = headroomBytes > 0;
    this.#reclaimingLimitBytes = options.mapBytes + Math.floor(headroomBytes / 2);
    this.#pageBytes = env.stat().pageSize;
    this.#reader = env.beginTxn({ readOnly: true });
    this.#reader.reset();
    this.#syncCommitOperationsMax = options.durability === 'commit' ? (options.syncCommitOperationsMax ?? SYNC_COMMIT_OPERATIONS_MAX) : 0;
    if (options.durability === 'commit') {
      this.#sync = new BackgroundSync(path.join(claim.path, 'data.mdb'), SYNC_INTERVAL_MS, options.clock, this.#logger);
    }
  }

  /** Batches committed since open. */
  get commitCount(): number {
    return this.#commits;
  }

  get(table: Table, key: Buffer): Buffer | undefined {
    this.#assertOpen();
    if (!isStorableKey(key)) return undefined;
    if (this.#pending.size > 0 || this.#inFlight) {
      const text = key.toString('latin1');
      let staged = this.#pending.lookup(table, text);
      if (staged === undefined) staged = this.#inFlight?.lookup(table, text);
      // null is a staged delete; a staged value is copied so the caller cannot change the batch.
      if (staged !== undefined) return staged === null ? undefined : Buffer.from(staged);
    }
    return this.#view().getBinary(this.#dbis[table], key) ?? undefined;
  }

  /**
   * Stage a put. If the soft limit refuses it, the pending group is abandoned (its commit()
   * promises reject) and every later write of this event-loop turn fails the same way: a caller
   * whose write was dropped must never see a later group's success.
   */
  put(table: Table, key: Buffer, value: Buffer, handedOver = false, reclaiming = false): void {
    this.#assertOpen();
    if (!isStorableKey(key)) throw new StorageError(`key must be 1..${MAX_KEY_BYTES} bytes, got ${key.length}`);
    this.#beforeWrite();
    if (this.#softLimit) {
      const growthBytes = estimatePutBytes(key.length, value.length, this.#pageBytes);
      const unsettledBytes = (this.#inFlight?.growthBytes ?? 0) + this.#pending.growthBytes + growthBytes;
      if (!this.#liveBytes.admits(unsettledBytes, reclaiming ? this.#reclaimingLimitBytes : this.#mapBytes)) {
        const failure = new StorageFullError(`storage full: live data would exceed the limit of ${this.#mapBytes} bytes`);
        this.#abandonPending(failure);
        throw failure;
      }
      this.#pending.growthBytes += growthBytes;
    }
    // Copies, unless handed over: the batch runs later on another thread, and callers may reuse
    // their buffers.
    if (handedOver) this.#pending.stage(table, this.#dbis[table], key, value);
    else this.#pending.stage(table, this.#dbis[table], Buffer.from(key), Buffer.from(value));
  }

  delete(table: Table, key: Buffer): void {
    this.#assertOpen();
    if (!isStorableKey(key)) return;
    this.#beforeWrite();
    this.#pending.stage(table, this.#dbis[table], Buffer.from(key), null);
  }

  scan(table: Table, range: KeyRange, visit: (key: Buffer, value: Buffer) => boolean): void {
    this.#assertOpen();
    const dbi = this.#dbis[table];
    const staged = stagedEntries([this.#inFlight, this.#pending], table, range);
    let chunkSize = FIRST_SCAN_CHUNK;
    // Read in chunks with no cursor open while `visit` runs: visit may write.
    const nextChunk = (after: Buffer | undefined): Buffer[] => {
      this.#assertOpen();
      const cursor = new lmdb.Cursor(this.#view(), dbi);
      try {
        return readChunk(cursor, range, after, chunkSize);
      } finally {
        cursor.close();
        chunkSize = Math.min(chunkSize * 2, MAX_SCAN_CHUNK);
      }
    };
    mergeScan(staged, nextChunk, visit);
  }

  commit(): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageError('store is closed'));
    if (this.#turnFailure) return Promise.reject(this.#turnFailure);
    if (this.#pending.size > 0) return this.#pending.waitForCommit();
    if (this.#inFlight) return this.#inFlight.waitForCommit();
    return Promise.resolve();
  }

  /** Commit what is staged, wait for it, and release the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#inFlight || this.#pending.size > 0) {
      if (!this.#inFlight) this.#submit();
      await this.#inFlightDone?.catch(() => undefined);
    }
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#sync?.close();
    } finally {
      this.#reader.abort();
      for (const table of TABLES) this.#dbis[table].close();
      this.#env.close();
      this.#claim.release();
    }
  }

  stats(): LmdbStats {
    this.#assertOpen();
    const txn = this.#view();
    const entries = {} as Record<Table, number>;
    for (const table of TABLES) entries[table] = this.#dbis[table].stat(txn).entryCount;
    const fileBytes = (this.#env.info().lastPageNumber + 1) * this.#pageBytes;
    return { mapBytes: this.#mapBytes, usedBytes: this.#measureLiveBytes(txn), fileBytes, entries };
  }

  #beforeWrite(): void {
    if (this.#turnFailure) throw this.#turnFailure;
    this.#scheduleFlush();
  }

  /** At the end of this turn: the turn's failure (if any) is over, and pending writes go out. */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    this.#clock.defer(() => {
      this.#flushScheduled = false;
      this.#turnFailure = undefined;
      if (!this.#inFlight && !this.#closed) this.#submit(true);
    });
  }

  /**
   * Hand the pending group to a worker thread (or commit it here if small); the next one starts
   * when it is done. `endOfTurn`: called by the turn's deferred flush, after all of its input.
   */
  #submit(endOfTurn = false): void {
    const group = this.#pending;
    if (group.size === 0) return;
    this.#pending = new WriteGroup<LmdbDbi>();
    this.#inFlight = group;
    if (group.size <= this.#syncCommitOperationsMax) return this.#commitHere(group, endOfTurn);
    this.#inFlightDone = new Promise<void>((resolve) => {
      const done = (error: Error | null) => {
        this.#onBatchDone(group, error);
        resolve();
      };
      try {
        this.#env.batchWrite(group.operations, {}, done);
      } catch (error) {
        // A synchronous refusal must fail the group like any failed commit, or the pipeline stalls.
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Commit `group` on this thread (see SYNC_COMMIT_OPERATIONS_MAX); only with nothing else in flight, so it never waits for LMDB's writer lock. */
  #commitHere(group: WriteGroup<LmdbDbi>, endOfTurn: boolean): void {
    this.#onBatchDone(group, commitOnThisThread(this.#env, group.operations), !endOfTurn);
  }

  /**
   * `turnContinues`: whether input may still be handled in the turn that learns of a failure (a
   * worker's batch reports in the poll phase, amid other input, which may have read the failed
   * group's values from its overlay): the rest of that turn's writes are refused. A group
   * committed by the turn's own deferred flush fails after all of that turn's input, with nothing
   * staged since: the next turn starts afresh.
   */
  #onBatchDone(group: WriteGroup<LmdbDbi>, error: Error | null, turnContinues = true): void {
    // The reader must see the new state in the same step as the overlay stops covering it.
    if (this.#readerLive) {
      this.#reader.reset();
      this.#readerLive = false;
    }
    this.#inFlight = undefined;
    this.#inFlightDone = undefined;
    if (error) {
      const failure = toStorageError(error);
      this.#logFailure(failure, group.size);
      group.settle(failure);
      // What is pending was decided on values that never committed: it cannot commit either.
      if (turnContinues || this.#pending.size > 0) this.#abandonPending(failure);
    } else {
      this.#commits += 1;
      this.#liveBytes.committed(group.growthBytes);
      this.#sync?.markDirty();
      group.settle(undefined);
      this.#logger.trace({ writes: group.size }, 'storage: group committed');
    }
    if (this.#pending.size > 0 && !this.#closed) this.#submit();
  }

  #abandonPending(failure: StorageError): void {
    const abandoned = this.#pending;
    this.#pending = new WriteGroup<LmdbDbi>();
    this.#turnFailure = failure;
    if (abandoned.size > 0) this.#logFailure(failure, abandoned.size);
    abandoned.settle(failure);
    // The failure lasts for the rest of this turn only.
    this.#scheduleFlush();
  }

  #measureLiveBytes(txn: LmdbTxn): number {
    let pages = 0;
    for (const table of TABLES) {
      const stat = this.#dbis[table].stat(txn);
      pages += stat.treeBranchPageCount + stat.treeLeafPageCount + (stat.overflowPages ?? 0);
    }
    return pages * this.#pageBytes;
  }

  /** The committed state, through the long-lived read transaction. */
  #view(): LmdbTxn {
    if (!this.#readerLive) {
      this.#reader.renew();
      this.#readerLive = true;
    }
    return this.#reader;
  }

  #logFailure(failure: StorageError, writes: number): void {
    this.#logger.warn({ err: failure, writes }, 'storage: write group abandoned');
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('store is closed');
  }
}
