import { recordDigest, segmentOfHash } from '../antientropy/merkle-tree';
import { MerkleTrees } from '../antientropy/merkle-trees';
import { Breaks } from '../lib/breaks';
import { Clock } from '../lib/clock';
import { Logger } from '../lib/log';
import { keyHash, partitionOfHash } from '../ring/partition';
import { dataKey, expiryDueBefore, expiryKey, parseExpiryKey, userKeyOfDataKey } from '../storage/keys';
import { Store } from '../storage/store';
import { DvvSet, EMPTY_DVVSET, equalSets } from '../versioning/dvvset';
import { dropFlushed } from '../versioning/flush';
import { InvalidRecordError, decodeRecord, encodeRecord } from '../versioning/record-codec';
import { GroupTreeUpdates } from './group-tree-updates';
import { CachedRecord, RecordCache } from './record-cache';
import { countsAsKey, nextDueMs, sweepDecision } from './record-schedule';

export interface LocalReplicaOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly partitionCount: number;
  /** How long a tombstone (or an expired value) is kept before it may be removed. */
  readonly tombstoneGraceMs: number;
  /**
   * Whether a dead record past grace may be removed only once every replica is known to hold it
   * (N > 1, see src/antientropy/tombstone-reaper.ts); otherwise the sweep removes it at once.
   */
  readonly reapNeedsConfirmation?: boolean;
  /** Deliberate bugs, for the simulator only. */
  readonly breaks?: Breaks;
}

/** Records visited per sweep step: bounds the work one timer tick can do. */
export const SWEEP_BATCH_MAX = 256;
/** When a due record cannot advance yet, how long until it is looked at again. */
export const SWEEP_RETRY_MS = 1000;

/** Records waiting for the reaper to confirm every replica holds them; more wait for a later sweep. */
export const REAP_CANDIDATES_MAX = 10_000;
/**
 * When a reap was not confirmed (a replica down, or holding more), how long until it is tried
 * again: a minute, or the grace itself when that is shorter (tests run with a grace of seconds).
 */
export const REAP_RETRY_MS = 60_000;
const REAP_RETRY_MIN_MS = 1000;

/** Where the node's FLUSHALL generation is kept in the `meta` table. */
const FLUSH_GENERATION_KEY = Buffer.from('flush-generation', 'utf8');

/**
 * This node's replicas of its keys. Every write goes through `write`, which keeps the due-time
 * index, the live-key count and the partition's Merkle tree (anti-entropy) in step with the data,
 * in the same store group as the data.
 */
export class LocalReplica {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #partitionCount: number;
  readonly #tombstoneGraceMs: number;
  readonly #trees: MerkleTrees;
  #liveKeys = 0;
  readonly #cache = new RecordCache();
  /** The store's commit of the write group the cache is watching, and its watched form (see #watch). */
  #watchedCommit: Promise<void> | undefined;
  #commitWatched: Promise<void> = Promise.resolve();
  /** The tree updates of the watched group (see #watch). */
  #treeUpdates = new GroupTreeUpdates();
  #expiredKeys = 0;
  #reapedRecords = 0;
  #flushGeneration: number;
  readonly #reapNeedsConfirmation: boolean;
  /** Store key (data layout) -> what the reaper must confirm. */
  readonly #reapCandidates = new Map<string, { partition: number; key: Buffer }>();
  readonly #removalListeners: Array<(key: Buffer, removed: DvvSet) => void> = [];

  constructor(options: LocalReplicaOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#partitionCount = options.partitionCount;
    this.#tombstoneGraceMs = options.tombstoneGraceMs;
    this.#reapNeedsConfirmation = options.reapNeedsConfirmation ?? false;
    this.#flushGeneration = this.#storedFlushGeneration();
    this.#trees = new MerkleTrees(options.store, options.logger, options.breaks);
    this.#trees.open();
    this.#liveKeys = this.#countLiveKeys();
  }

  /** The anti-entropy trees of this node's partitions, kept in step with every write here. */
  get trees(): MerkleTrees {
    return this.#trees;
  }

  get tombstoneGraceMs(): number {
    return this.#tombstoneGraceMs;
  }

  /** The newest FLUSHALL this node knows of: versions written before it are never kept. */
  get flushGeneration(): number {
    return this.#flushGeneration;
  }

  /**
   * Adopt FLUSHALL generation `generation`: remove every record (all were written before it) and
   * remember the generation, in the current store group. False if it was not newer.
   */
  adoptFlushGeneration(generation: number): boolean {
    if (generation <= this.#flushGeneration) return false;
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(generation);
    this.#store.put('meta', FLUSH_GENERATION_KEY, bytes);
    this.#flushGeneration = generation;
    // Each record loses what was written before the flush; versions already of this generation
    // or later (a write that reached this node before the flush did) stay.
    const stale: Array<{ partition: number; key: Buffer; current: DvvSet }> = [];
    this.#store.scan('data', {}, (storeKey, value) => {
      let current: DvvSet;
      try {
        current = decodeRecord(value);
      } catch {
        return true; // unreadable: anti-entropy replaces it
      }
      if (dropFlushed(current, generation) !== current) stale.push({ partition: storeKey.readUInt16BE(0), key: Buffer.from(userKeyOfDataKey(storeKey)), current });
      return true;
    });
    this.#cache.clear();
    for (const { partition, key, current } of stale) this.write(partition, key, current, current);
    this.#logger.info({ flushGeneration: generation, records: stale.length }, 'adopted FLUSHALL generation: records written before it removed');
    return true;
  }

  get partitionCount(): number {
    return this.#partitionCount;
  }

  /** Keys this node holds that have a value (DBSIZE). */
  get liveKeys(): number {
    return this.#liveKeys;
  }

  get expiredKeys(): number {
    return this.#expiredKeys;
  }

  get reapedRecords(): number {
    return this.#reapedRecords;
  }

  partitionOf(key: Buffer): number {
    return this.#cached(key).partition;
  }

  read(partition: number, key: Buffer): DvvSet {
    const cached = this.#cached(key);
    if (cached.set) return cached.set;
    const bytes = this.#store.get('data', dataKey(partition, key));
    const set = bytes === undefined ? EMPTY_DVVSET : decodeRecord(bytes);
    this.#cache.remember(cached, set, bytes, undefined);
    return set;
  }

  /** The cache entry of `key`, made (one MD5: partition and Merkle segment) if there is none. */
  #cached(key: Buffer): CachedRecord {
    // latin1Slice: what toString('latin1') ends in, without its encoding dispatch (every request).
    const cacheKey = (key as Buffer & LatinSliceable).latin1Slice(0, key.length);
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    const hash = keyHash(key);
    return this.#cache.add(cacheKey, partitionOfHash(hash, this.#partitionCount), segmentOfHash(hash));
  }

  /**
   * Call `listener` with every record this replica removes (reaped, expired, handed off): the
   * coordinator renews its DVV actor when one held its dots, or its next write to the key would
   * start that actor's counter from 1 again and reissue dots that clients' contexts still cover.
   */
  onRecordRemoved(listener: (key: Buffer, removed: DvvSet) => void): void {
    this.#removalListeners.push(listener);
  }

  /** Stage `next` as the record of `key`, replacing `previous` (what `read` returned). */
  write(partition: number, key: Buffer, previous: DvvSet, proposed: DvvSet): void {
    // Whatever path a version took here (a stale replica, a hint, anti-entropy), one written
    // before the last FLUSHALL is dropped: a flush is never undone by a node that missed it.
    const next = dropFlushed(proposed, this.#flushGeneration);
    const cached = this.#cached(key);
    // The digest of the stored bytes, not of `previous` re-encoded: the tree then matches the
    // store exactly. The cache holds it when the record is known (the cache is never behind the store).
    const storeKey = dataKey(partition, key);
    let previousDigest: Buffer | undefined;
    let nextDigest: Buffer | undefined;
    let unmarkToken: number | undefined;
    try {
      // No group that commits a data write may leave a checkpoint marker behind (see MerkleTrees).
      if (this.#trees.markerMayBePresent) unmarkToken = this.#trees.unmark();
      previousDigest = this.#storedDigest(cached, key, storeKey);
      nextDigest = this.#stage(partition, key, storeKey, previous, next);
    } catch (err) {
      // The store abandoned the group: what the cache learned from it may never commit.
      this.#forgetCached();
      throw err;
    }
    this.#cache.remember(cached, next, undefined, nextDigest);
    this.#clearCacheIfGroupFails();
    if (unmarkToken !== undefined) this.#treeUpdates.unmarks(unmarkToken);
    if (previousDigest !== nextDigest) this.#treeUpdates.apply(this.#trees, partition, cached.segment, previousDigest, nextDigest);
    if (next.entries.length === 0 && previous.entries.length > 0) for (const listener of this.#removalListeners) listener(key, previous);
  }

  /** Save the Merkle trees for the next start: the last write of a clean stop (see MerkleTrees.checkpoint). */
  checkpoint(): void {
    this.#trees.checkpoint();
  }

  /** Stage the record and its due-time entry; returns the stored record's digest (undefined: none stored). */
  #stage(partition: number, key: Buffer, storeKey: Buffer, previous: DvvSet, next: DvvSet): Buffer | undefined {
    const nextBytes = next.entries.length === 0 ? undefined : encodeRecord(next);
    // A delete or an expiry: a store at its space limit still takes it (within its headroom).
    const reclaiming = countsAsKey(previous) && !countsAsKey(next);
    if (nextBytes === undefined) this.#store.delete('data', storeKey);
    // storeKey is fresh and encoded records are never modified: no copies needed.
    else this.#store.put('data', storeKey, nextBytes, true, reclaiming);
    const nextDigest = nextBytes === undefined ? undefined : recordDigest(key, nextBytes);
    const previousDueMs = nextDueMs(previous, this.#tombstoneGraceMs);
    const nextDue = nextDueMs(next, this.#tombstoneGraceMs);
    if (previousDueMs !== nextDue) {
      if (previousDueMs !== 0) this.#store.delete('expiry', expiryKey(previousDueMs, partition, key));
      if (nextDue !== 0) this.#store.put('expiry', expiryKey(nextDue, partition, key), Buffer.alloc(0), false, reclaiming);
    }
    this.#liveKeys += Number(countsAsKey(next)) - Number(countsAsKey(previous));
    return nextDigest;
  }

  /** recordDigest of the bytes stored for the key now (undefined: none stored). */
  #storedDigest(cached: CachedRecord, key: Buffer, storeKey: Buffer): Buffer | undefined {
    if (cached.set === undefined) {
      const stored = this.#store.get('data', storeKey);
      return stored === undefined ? undefined : recordDigest(key, stored);
    }
    if (cached.storedDigest !== undefined || cached.stored === undefined) return cached.storedDigest;
    cached.storedDigest = recordDigest(key, cached.stored);
    cached.stored = undefined;
    return cached.storedDigest;
  }

  /** Forget what the record cache learned from staged writes. */
  #forgetCached(): void {
    this.#cache.clear();
  }

  /**
   * The cache learns staged writes at once; should their group fail to commit (a full disk, a
   * crash of the simulator's store), the store rolls them back, so the cache must forget too,
   * whoever wrote (a caller that never waits for the commit included). One watch per group.
   */
  #clearCacheIfGroupFails(): void {
    this.#watch(this.#store.commit());
  }

  /** Resolves when everything staged so far is durable. */
  commit(): Promise<void> {
    return this.#watch(this.#store.commit());
  }

  /**
   * `committed`, forgetting the cache and undoing the group's tree updates if it fails: one
   * wrapper per group, shared by every write of it (a group holds dozens). Its failure is handled
   * here too, for writers that never wait.
   */
  #watch(committed: Promise<void>): Promise<void> {
    if (committed !== this.#watchedCommit) {
      this.#watchedCommit = committed;
      const treeUpdates = new GroupTreeUpdates();
      this.#treeUpdates = treeUpdates;
      this.#commitWatched = committed.then(
        () => treeUpdates.committed(this.#trees),
        (err: unknown) => {
          this.#forgetCached();
          treeUpdates.failed(this.#trees);
          throw err;
        },
      );
      this.#commitWatched.catch(() => undefined);
    }
    return this.#commitWatched;
  }

  /**
   * Active expiry and reaping: handle up to `limit` records whose due time has come. Returns how
   * many were handled, so the caller can run again soon when the batch was full.
   */
  sweep(limit = SWEEP_BATCH_MAX): number {
    const nowMs = this.#clock.nowMs();
    const due: Buffer[] = [];
    this.#store.scan('expiry', { end: expiryDueBefore(nowMs) }, (indexKey) => {
      due.push(Buffer.from(indexKey));
      return due.length < limit;
    });
    for (const indexKey of due) this.#sweepOne(indexKey, nowMs);
    return due.length;
  }

  /** Records waiting for the reaper. */
  get reapCandidates(): number {
    return this.#reapCandidates.size;
  }

  /** Up to `max` records the sweep found dead past grace, for the reaper to confirm (each once). */
  takeReapCandidates(max: number): Array<{ partition: number; key: Buffer }> {
    const taken: Array<{ partition: number; key: Buffer }> = [];
    for (const [candidateKey, candidate] of this.#reapCandidates) {
      if (taken.length >= max) break;
      this.#reapCandidates.delete(candidateKey);
      taken.push(candidate);
    }
    return taken;
  }

  /**
   * Remove the record of `key` now that every replica is known to hold `confirmed` (or less),
   * unless it changed since: a write that arrived meanwhile is kept. True if removed.
   */
  reapConfirmed(partition: number, key: Buffer, confirmed: DvvSet): boolean {
    const current = this.read(partition, key);
    if (current !== confirmed && !equalSets(current, confirmed)) return false;
    if (countsAsKey(current)) this.#expiredKeys++;
    this.#reapedRecords++;
    this.write(partition, key, current, EMPTY_DVVSET);
    return true;
  }

  #sweepOne(indexKey: Buffer, nowMs: number): void {
    const { partition, key, expiresAtMs } = parseExpiryKey(indexKey);
    const current = this.read(partition, key);
    // The entry is consumed whatever happens; `write` files the record's next one.
    this.#store.delete('expiry', indexKey);
    const decision = sweepDecision(current, nowMs, this.#tombstoneGraceMs);
    if (decision.kind === 'reap' && this.#reapNeedsConfirmation) {
      // Removing it before every replica holds it would let a replica that still has an older
      // value bring that value back (anti-entropy, read repair): hand it to the reaper, and look
      // again later in case the reaper cannot confirm it.
      const candidateKey = dataKey(partition, key).toString('latin1');
      if (this.#reapCandidates.size < REAP_CANDIDATES_MAX) this.#reapCandidates.set(candidateKey, { partition, key });
      const retryMs = Math.max(REAP_RETRY_MIN_MS, Math.min(REAP_RETRY_MS, this.#tombstoneGraceMs));
      this.#store.put('expiry', expiryKey(nowMs + retryMs, partition, key), Buffer.alloc(0));
      return;
    }
    if (decision.kind === 'reap') {
      if (countsAsKey(current)) this.#expiredKeys++;
      this.#reapedRecords++;
      this.write(partition, key, current, EMPTY_DVVSET);
      return;
    }
    if (decision.kind === 'expire') {
      this.#expiredKeys++;
      this.write(partition, key, current, decision.next);
      return;
    }
    const currentDueMs = nextDueMs(current, this.#tombstoneGraceMs);
    if (currentDueMs === 0 || (currentDueMs > nowMs && currentDueMs !== expiresAtMs)) return; // entry was stale
    // Due but unable to advance (a wall clock that stepped back): look again a little later.
    const retryMs = Math.max(currentDueMs, nowMs + SWEEP_RETRY_MS);
    this.#logger.debug({ partition, retryMs }, 'due record could not advance yet');
    this.#store.put('expiry', expiryKey(retryMs, partition, key), Buffer.alloc(0));
  }

  #storedFlushGeneration(): number {
    const bytes = this.#store.get('meta', FLUSH_GENERATION_KEY);
    return bytes === undefined || bytes.length !== 4 ? 0 : bytes.readUInt32BE(0);
  }

  #countLiveKeys(): number {
    let live = 0;
    let unreadable = 0;
    this.#store.scan('data', {}, (_key, value) => {
      try {
        if (countsAsKey(decodeRecord(value))) live++;
      } catch (err) {
        // A record this version cannot read (a corrupt disk, a newer format) must not stop the
        // node from starting: it is counted, logged, and left for anti-entropy to replace.
        if (!(err instanceof InvalidRecordError)) throw err;
        unreadable++;
      }
      return true;
    });
    if (unreadable > 0) this.#logger.warn({ unreadable }, 'records that do not decode were found at start');
    return live;
  }
}

/** Node's Buffer has latin1Slice (what toString('latin1') calls); its typings do not list it. */
interface LatinSliceable {
  latin1Slice(start: number, end: number): string;
}
