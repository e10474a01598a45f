/**
 * Bounds on what a counter or set key can grow to. Every one is checked where a write would
 * cross it, refused with a clear error (the write is not applied), and documented in README.md.
 */
export interface DataTypeLimits {
  /** Members one set key may hold (SADD beyond it is refused). */
  readonly setMembersMax: number;
  /** Bytes one set member may have. */
  readonly memberBytesMax: number;
  /** Writer entries (counter entries, set clock actors) past which idle ones are compacted. */
  readonly writersCompactAt: number;
  /** Compaction only touches writers idle this long: replicas have long converged on them. */
  readonly writerIdleMinMs: number;
  /** Writer entries a key may hold after compaction; a write that would add one more is refused. */
  readonly writersMax: number;
}

export const SET_MEMBERS_MAX = 10_000;
export const SET_MEMBER_BYTES_MAX = 4096;
/** Three primaries through a few restarts each (every restart is a new epoch, so a new writer). */
export const WRITERS_COMPACT_AT = 16;
/** One day, the same age floor as DVV clock pruning (src/versioning/prune.ts), for the same reason. */
export const WRITER_IDLE_MIN_MS = 24 * 60 * 60 * 1000;
export const WRITERS_MAX = 128;

export const DEFAULT_DATATYPE_LIMITS: DataTypeLimits = Object.freeze({
  setMembersMax: SET_MEMBERS_MAX,
  memberBytesMax: SET_MEMBER_BYTES_MAX,
  writersCompactAt: WRITERS_COMPACT_AT,
  writerIdleMinMs: WRITER_IDLE_MIN_MS,
  writersMax: WRITERS_MAX,
});
