import { MerkleTrees } from '../antientropy/merkle-trees';
import { Breaks } from '../lib/breaks';
import { Clock } from '../lib/clock';
import { Logger } from '../lib/log';
import { partitionOf } from '../ring/partition';
import { dataKey, expiryDueBefore, expiryKey, parseExpiryKey } from '../storage/keys';
import { Store } from '../storage/store';
import { DvvSet, EMPTY_DVVSET } from '../versioning/dvvset';
import { decodeRecord, encodeRecord } from '../versioning/record-codec';
import { RecordCache } from './record-cache';
import { countsAsKey, nextDueMs, sweepDecision } from './record-schedule';

export interface LocalReplicaOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly partitionCount: number;
  /** How long a tombstone (or an expired value) is kept before it may be removed. */
  readonly tombstoneGraceMs: number;
  /** Deliberate bugs, for the simulator only. */
  readonly breaks?: Breaks;
}

/** Records visited per sweep step: bounds the work one timer tick can do. */
export const SWEEP_BATCH_MAX = 256;
/** When a due record cannot advance yet, how long until it is looked at again. */
export const SWEEP_RETRY_MS = 1000;

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
  #expiredKeys = 0;
  #reapedRecords = 0;

  constructor(options: LocalReplicaOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#partitionCount = options.partitionCount;
    this.#tombstoneGraceMs = options.tombstoneGraceMs;
    this.#trees = new MerkleTrees(options.store, options.logger, options.breaks);
    this.#trees.ensureBuilt();
    this.#liveKeys = this.#countLiveKeys();
  }

  /** The anti-entropy trees of this node's partitions, kept in step with every write here. */
  get trees(): MerkleTrees {
    return this.#trees;
  }

  get tombstoneGraceMs(): number {
    return this.#tombstoneGraceMs;
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
    const cacheKey = key.toString('latin1');
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached.partition;
    const partition = partitionOf(key, this.#partitionCount);
    this.#cache.put(cacheKey, partition, undefined);
    return partition;
  }

  read(partition: number, key: Buffer): DvvSet {
    const cacheKey = key.toString('latin1');
    const cached = this.#cache.get(cacheKey);
    if (cached?.set) return cached.set;
    const bytes = this.#store.get('data', dataKey(partition, key));
    const set = bytes === undefined ? EMPTY_DVVSET : decodeRecord(bytes);
    this.#cache.put(cacheKey, partition, set);
    return set;
  }

  /** Stage `next` as the record of `key`, replacing `previous` (what `read` returned). */
  write(partition: number, key: Buffer, previous: DvvSet, next: DvvSet): void {
    try {
      this.#stage(partition, key, previous, next);
    } catch (err) {
      // The store abandoned the group: what the cache learned from it may never commit.
      this.#cache.clear();
      throw err;
    }
    this.#cache.put(key.toString('latin1'), partition, next);
  }

  #stage(partition: number, key: Buffer, previous: DvvSet, next: DvvSet): void {
    const storeKey = dataKey(partition, key);
    // The stored bytes, not `previous` re-encoded: the tree then matches the store exactly.
    const storedBytes = this.#store.get('data', storeKey);
    const nextBytes = next.entries.length === 0 ? undefined : encodeRecord(next);
    if (nextBytes === undefined) this.#store.delete('data', storeKey);
    else this.#store.put('data', storeKey, nextBytes);
    this.#trees.update(partition, key, storedBytes, nextBytes);
    const previousDueMs = nextDueMs(previous, this.#tombstoneGraceMs);
    const nextDue = nextDueMs(next, this.#tombstoneGraceMs);
    if (previousDueMs !== nextDue) {
      if (previousDueMs !== 0) this.#store.delete('expiry', expiryKey(previousDueMs, partition, key));
      if (nextDue !== 0) this.#store.put('expiry', expiryKey(nextDue, partition, key), Buffer.alloc(0));
    }
    this.#liveKeys += Number(countsAsKey(next)) - Number(countsAsKey(previous));
  }

  /** Resolves when everything staged so far is durable. */
  commit(): Promise<void> {
    return this.#store.commit().catch((err: unknown) => {
      this.#cache.clear();
      throw err;
    });
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

  /** Remove every record (FLUSHALL on this node). Returns how many records were removed. */
  clear(): number {
    let removed = 0;
    this.#trees.clear();
    for (const table of ['data', 'expiry'] as const) {
      const keys: Buffer[] = [];
      this.#store.scan(table, {}, (key) => {
        keys.push(Buffer.from(key));
        return true;
      });
      for (const key of keys) this.#store.delete(table, key);
      if (table === 'data') removed = keys.length;
    }
    this.#liveKeys = 0;
    this.#cache.clear();
    return removed;
  }

  #sweepOne(indexKey: Buffer, nowMs: number): void {
    const { partition, key, expiresAtMs } = parseExpiryKey(indexKey);
    const current = this.read(partition, key);
    // The entry is consumed whatever happens; `write` files the record's next one.
    this.#store.delete('expiry', indexKey);
    const decision = sweepDecision(current, nowMs, this.#tombstoneGraceMs);
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

  #countLiveKeys(): number {
    let live = 0;
    this.#store.scan('data', {}, (_key, value) => {
      if (countsAsKey(decodeRecord(value))) live++;
      return true;
    });
    return live;
  }
}
