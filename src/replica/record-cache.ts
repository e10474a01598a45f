import type { DvvSet } from '../versioning/dvvset';

/**
 * Decoded records of recently used keys, with their partition: a hit skips the key's MD5, the
 * LMDB read and the protobuf decode. Filled by reads and by every write of this node's replica,
 * so it never holds anything older than the store; LocalReplica clears it whenever a write fails,
 * because a failed group is rolled back in the store.
 *
 * Bounded by entries (RECORD_CACHE_ENTRIES_MAX) and by the value bytes one record may hold
 * (RECORD_CACHE_VALUE_BYTES_MAX: large values are read from LMDB each time, which maps them
 * anyway). Eviction is first-in first-out: no bookkeeping on a hit, which is the hot path.
 */
export const RECORD_CACHE_ENTRIES_MAX = 100_000;
export const RECORD_CACHE_VALUE_BYTES_MAX = 16 * 1024;

export interface CachedRecord {
  readonly partition: number;
  /** undefined: the partition is known, the record not (yet). */
  set: DvvSet | undefined;
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

  /** Remember `set` (or only the partition) for `cacheKey`. */
  put(cacheKey: string, partition: number, set: DvvSet | undefined): void {
    const cacheable = set === undefined || valueBytes(set) <= RECORD_CACHE_VALUE_BYTES_MAX;
    const existing = this.#entries.get(cacheKey);
    if (existing) {
      existing.set = cacheable ? set : undefined;
      return;
    }
    if (this.#entries.size >= this.#entriesMax) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(cacheKey, { partition, set: cacheable ? set : undefined });
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
  for (const entry of set.entries) for (const version of entry.versions) bytes += version.data.length;
  return bytes;
}
