import { Logger } from '../lib/log';
import { Breaks, NO_BREAKS } from '../lib/breaks';
import { allocDigest } from '../lib/digest-slab';
import { merkleKey, parseMerkleKey, partitionRange, PARTITION_BYTES } from '../storage/keys';
import { Store, StorageError } from '../storage/store';
import { DIGEST_BYTES, SEGMENT_COUNT, applyChange, isZeroHash, recordDigest, segmentOf } from './merkle-tree';

/**
 * Says which tree layout the `merkle` table holds. A store without it (created before trees
 * existed) or with another layout gets its trees built once from the data at start.
 */
const LAYOUT_KEY = Buffer.from('merkle-layout');
const LAYOUT = Buffer.from(`xor-md5 segments=${SEGMENT_COUNT} v1`);

/**
 * Every partition's segment hashes, kept in the store's `merkle` table. LocalReplica calls
 * `update` for each record it stages, so the segment hash is staged in the same write group as
 * the data: they commit (or roll back) together, and a crash never leaves tree and data out of
 * step. Segment hashes read or written are also kept in memory (SEGMENT_CACHE_ENTRIES_MAX), so a
 * write does not read its segment back from LMDB; the owner calls `forgetCached` whenever a
 * write group fails (LocalReplica does, with its record cache), so a rolled-back group cannot
 * leave a stale hash behind. Reads of a segment see staged writes as every store read does.
 */
/** Segment hashes kept in memory; past it the cache starts over (64 partitions x 1024 segments fit). */
export const SEGMENT_CACHE_ENTRIES_MAX = 65_536;

export class MerkleTrees {
  readonly #store: Store;
  readonly #logger: Logger;
  /** Break 'merkle-update-skipped' (simulator only): odd segments are never updated. */
  readonly #skipOddSegments: boolean;
  /** partition * SEGMENT_COUNT + segment -> the segment's hash as staged (all-zero: absent). */
  readonly #cached = new Map<number, Buffer>();

  constructor(store: Store, logger: Logger, breaks: Breaks = NO_BREAKS) {
    this.#store = store;
    this.#logger = logger;
    this.#skipOddSegments = breaks.has('merkle-update-skipped');
  }

  /**
   * Account for `key` of `partition` going from the stored bytes `previous` to `next`
   * (undefined = absent): XOR the old digest out of its segment and the new one in.
   */
  update(partition: number, key: Buffer, previous: Buffer | undefined, next: Buffer | undefined): void {
    if (previous !== undefined && next !== undefined && previous.equals(next)) return;
    if (previous === undefined && next === undefined) return;
    this.updateDigests(partition, segmentOf(key), previous && recordDigest(key, previous), next && recordDigest(key, next));
  }

  /**
   * `update` for a caller that already holds the key's segment and the record digests
   * (recordDigest of the stored bytes before and after; undefined = absent): LocalReplica keeps
   * them with its cached records, so a write hashes only its new record.
   */
  updateDigests(partition: number, segment: number, previous: Buffer | undefined, next: Buffer | undefined): void {
    // XOR-ing the same digest out and in again changes nothing.
    if (previous === next || (previous !== undefined && next !== undefined && sameDigest(previous, next))) return;
    if (this.#skipOddSegments && segment % 2 === 1) return;
    const storeKey = merkleKey(partition, segment);
    const cacheKey = partition * SEGMENT_COUNT + segment;
    // A new buffer per update, handed to the store (no copy) and kept by the cache, so it never
    // changes afterwards; from a slab of digests, not Node's shared pool (src/lib/digest-slab.ts).
    const current = this.#cached.get(cacheKey) ?? this.#store.get('merkle', storeKey);
    const hash = allocDigest();
    for (let i = 0; i < DIGEST_BYTES; i++) hash[i] = (current === undefined ? 0 : current[i]) ^ (previous === undefined ? 0 : previous[i]) ^ (next === undefined ? 0 : next[i]);
    if (isZeroHash(hash)) this.#store.delete('merkle', storeKey);
    else this.#store.put('merkle', storeKey, hash, true);
    if (this.#cached.size >= SEGMENT_CACHE_ENTRIES_MAX && !this.#cached.has(cacheKey)) this.#cached.clear();
    this.#cached.set(cacheKey, hash);
  }

  /** Drop the in-memory segment hashes: a write group failed and the store rolled it back. */
  forgetCached(): void {
    this.#cached.clear();
  }

  /** The partition's non-zero segment hashes (at most SEGMENT_COUNT entries: one short scan). */
  segments(partition: number): Map<number, Buffer> {
    const segments = new Map<number, Buffer>();
    this.#store.scan('merkle', partitionRange(partition), (key, value) => {
      if (value.length === DIGEST_BYTES) segments.set(parseMerkleKey(key).segment, value);
      return true;
    });
    return segments;
  }

  /**
   * Visit every record of `partition` whose key falls in one of `segments` (key order), with its
   * stored bytes. Scans the partition's data: listing costs local reads, never network bytes.
   */
  forEachInSegments(partition: number, segments: ReadonlySet<number>, visit: (key: Buffer, record: Buffer, segment: number) => void): void {
    this.#store.scan('data', partitionRange(partition), (storeKey, value) => {
      const key = storeKey.subarray(PARTITION_BYTES);
      const segment = segmentOf(key);
      if (segments.has(segment)) visit(key, value, segment);
      return true;
    });
  }

  /**
   * Build every tree from the data unless the store already holds trees of this layout. Runs once
   * in the life of a store (the first start after trees were introduced); staged in the caller's
   * write group with the layout marker, so a crash before it commits just builds again.
   */
  ensureBuilt(): void {
    if (this.#store.get('meta', LAYOUT_KEY)?.equals(LAYOUT)) return;
    try {
      this.#build();
    } catch (err) {
      // A full disk at start: without the layout marker the next start builds again; until then
      // anti-entropy may miss differences in this node's partitions (it never invents any).
      if (!(err instanceof StorageError)) throw err;
      this.#logger.warn({ err: err.message }, 'anti-entropy: could not store the Merkle trees; they are built again at the next start');
    }
  }

  #build(): void {
    this.clear();
    const trees = new Map<number, Map<number, Buffer>>();
    let records = 0;
    this.#store.scan('data', {}, (storeKey, value) => {
      const partition = storeKey.readUInt16BE(0);
      let segments = trees.get(partition);
      if (!segments) trees.set(partition, (segments = new Map()));
      applyChange(segments, storeKey.subarray(PARTITION_BYTES), undefined, value);
      records++;
      return true;
    });
    for (const [partition, segments] of trees) {
      for (const [segment, hash] of segments) this.#store.put('merkle', merkleKey(partition, segment), hash);
    }
    this.#store.put('meta', LAYOUT_KEY, LAYOUT);
    if (records > 0) this.#logger.info({ records, partitions: trees.size }, 'anti-entropy: built Merkle trees from the data (first start with trees)');
  }

  /** Forget every tree (the data is being cleared too); the layout marker stays. */
  clear(): void {
    this.#cached.clear();
    const keys: Buffer[] = [];
    this.#store.scan('merkle', {}, (key) => {
      keys.push(key);
      return true;
    });
    for (const key of keys) this.#store.delete('merkle', key);
  }
}

/** Two digests hold the same bytes (a loop: cheaper than Buffer.equals for 16 bytes). */
function sameDigest(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
