import { StorageError, StorageFullError } from './store';

/**
 * Space accounting and error classification for LmdbStore.
 *
 * Why a soft limit: once LMDB's map is completely full, even a delete fails with MDB_MAP_FULL
 * (copy-on-write needs fresh pages to free old ones), so a full node could never be emptied. So
 * `mapBytes` bounds the *live* data (pages held by the tables, from mdb_stat) and the map itself
 * is opened with headroom on top. A put that would take the live data past `mapBytes` is refused
 * with StorageFullError before LMDB sees it; deletes are never refused and find room in the
 * headroom. MDB_MAP_FULL (headroom exhausted) and ENOSPC (the disk itself) remain possible and
 * are reported the same way.
 */

export const MDB_NOTFOUND = -30798;
export const MDB_MAP_FULL = -30792;
const ENOSPC = 28;
const EDQUOT = 122;

/** Headroom when the caller does not choose: a quarter of the limit, at least 4 MiB. */
export function defaultHeadroomBytes(mapBytes: number): number {
  return Math.max(Math.ceil(mapBytes / 4), 4 * 1024 * 1024);
}

/** LMDB wants the map size a multiple of the OS page size; 64 KiB covers every platform's. */
export function roundMapBytes(bytes: number): number {
  const unit = 64 * 1024;
  return Math.ceil(bytes / unit) * unit;
}

// LMDB's page layout (mdb.c): page header, node header, 2-byte slot per node, and the largest
// node kept inline in a leaf (MDB_MINKEYS = 2 per page); larger values go to overflow pages.
const PAGE_HEADER_BYTES = 16;
const NODE_HEADER_BYTES = 8;
const SLOT_BYTES = 2;
const OVERFLOW_POINTER_BYTES = 8;

/**
 * A generous estimate of how much a put can grow the live data: the node counted twice (a leaf
 * that splits is half empty), plus whole overflow pages for a large value. It only has to keep one
 * group from overshooting the limit by much; the headroom absorbs the rest.
 */
export function estimatePutBytes(keyBytes: number, valueBytes: number, pageBytes: number): number {
  const nodeMaxBytes = (Math.floor((pageBytes - PAGE_HEADER_BYTES) / 2) & ~1) - SLOT_BYTES;
  const inlineBytes = NODE_HEADER_BYTES + keyBytes + valueBytes;
  if (inlineBytes < nodeMaxBytes) return 2 * (inlineBytes + SLOT_BYTES);
  const overflowPages = Math.floor((PAGE_HEADER_BYTES - 1 + valueBytes) / pageBytes) + 1;
  return overflowPages * pageBytes + 2 * (NODE_HEADER_BYTES + keyBytes + OVERFLOW_POINTER_BYTES + SLOT_BYTES);
}

/** The numeric LMDB/errno code node-lmdb attaches to its errors, if any. */
export function lmdbErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

/** Map an error from node-lmdb to the store's errors; messages are safe to show a client. */
export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const code = lmdbErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // batchWrite reports errors as mdb_strerror text without a code.
  if (code === MDB_MAP_FULL || message.includes('MDB_MAP_FULL')) return new StorageFullError('storage full: the LMDB map is full');
  if (code === ENOSPC || code === EDQUOT || /No space left|Disk quota exceeded/i.test(message)) {
    return new StorageFullError('storage full: no space left on the disk');
  }
  return new StorageError(`storage error: ${message}`);
}

/** Commits after which LiveBytesBound measures again. */
export const LIVE_BYTES_MEASURE_COMMITS = 128;

/**
 * At least the live bytes of the committed data, for the soft limit: measured, then raised by each
 * committed group's estimated growth instead of measured again. A measurement reads every table's
 * stats (a few microseconds), which every commit paid when it was measured per commit. It is
 * measured again only when the bound says a put would pass the limit, so a refusal is always
 * decided on the exact figure, and every LIVE_BYTES_MEASURE_COMMITS commits, so the estimates'
 * generosity does not pile up.
 */
export class LiveBytesBound {
  readonly #measure: () => number;
  #bytes: number | undefined;
  #commitsSinceMeasure = 0;

  constructor(measure: () => number) {
    this.#measure = measure;
  }

  /** Whether `unsettledBytes` more (staged and in flight) keep the live data within `limitBytes`. */
  admits(unsettledBytes: number, limitBytes: number): boolean {
    this.#bytes ??= this.#measureNow();
    if (this.#bytes + unsettledBytes > limitBytes) this.#bytes = this.#measureNow();
    return this.#bytes + unsettledBytes <= limitBytes;
  }

  /** A group estimated to grow the data by `growthBytes` committed. */
  committed(growthBytes: number): void {
    if (this.#bytes === undefined) return;
    this.#bytes += growthBytes;
    if (++this.#commitsSinceMeasure >= LIVE_BYTES_MEASURE_COMMITS) this.#bytes = undefined;
  }

  #measureNow(): number {
    this.#commitsSinceMeasure = 0;
    return this.#measure();
  }
}
