import type { DvvSet } from '../versioning/dvvset';

/**
 * What LocalReplica knows of recently used keys: the partition and Merkle segment (one MD5 of the
 * key gives both), the decoded record, and the bytes stored for it with their Merkle digest. A
 * hit skips the key's MD5, the LMDB read and the protobuf decode; a write skips reading back the
 * bytes it replaces and hashing them again. Filled by reads and by every write of this node's
 * replica, so it never holds anything older than the store; LocalReplica clears it whenever a
 * write group fails, because a failed group is rolled back in the store.
 *
 * Bounded by entries (RECORD_CACHE_ENTRIES_MAX) and by the value bytes one record may hold
 * (RECORD_CACHE_VALUE_BYTES_MAX: large values are read from LMDB each time, which maps them
 * anyway). Eviction is first-in first-out: no bookkeeping on a hit, which is the hot path.
 */
export const RECORD_CACHE_ENTRIES_MAX = 100_000;
export const RECORD_CACHE_VALUE_BYTES_MAX = 16 * 1024;

export interface CachedRecord {
  readonly partition: number;
  /** The key's Merkle tree segment (src/antientropy/merkle-tree.ts segmentOfHash). */
  readonly segment: number;
  /** undefined: the partition is known, the record not (not read yet, or too large to keep). */
  set: DvvSet | undefined;
  /**
   * While `set` is known, what is stored for it: its Merkle digest (recordDigest of the stored
   * bytes) when known, else the bytes themselves (a read; hashed when first needed). Both
   * undefined: no record is stored.
   */
  stored: Buffer | undefined;
  storedDigest: Buffer | undefined;
}

export class RecordCache {
  readonly #entries = new Map<string, CachedRecord>();
  readonly #entriesMax: number;

  constructor(entriesMax = RECORD_CACHE_ENTRIES_MAX) {
    this.#entriesMax = entriesMax;
  }

  get(cacheKey: string): CachedRecord | undefined {
    return this.#entries.get(cacheKey);
  }

  /** A new entry for `cacheKey` knowing only where the key lives (evicts the oldest when full). */
  add(cacheKey: string, partition: number, segment: number): CachedRecord {
    if (this.#entries.size >= this.#entriesMax) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const entry: CachedRecord = { partition, segment, set: undefined, stored: undefined, storedDigest: undefined };
    this.#entries.set(cacheKey, entry);
    return entry;
  }

  /**
   * Remember that `set` is the record of `entry`'s key, stored as the bytes `stored` or with the
   * digest `storedDigest` (the digest wins: bytes are then not kept); both undefined: nothing is
   * stored. A record too large to keep leaves the entry unknown.
   */
  remember(entry: CachedRecord, set: DvvSet, stored: Buffer | undefined, storedDigest: Buffer | undefined): void {
    if (valueBytes(set) > RECORD_CACHE_VALUE_BYTES_MAX) {
      entry.set = undefined;
      entry.stored = undefined;
      entry.storedDigest = undefined;
      return;
    }
    entry.set = set;
    entry.stored = storedDigest === undefined ? stored : undefined;
    entry.storedDigest = storedDigest;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

function valueBytes(set: DvvSet): number {
  let bytes = 0;
  // Indexed loops: this runs on every write, and iterators there are garbage.
  for (let e = 0; e < set.entries.length; e++) for (let v = 0; v < set.entries[e].versions.length; v++) bytes += set.entries[e].versions[v].data.length;
  return bytes;
}
