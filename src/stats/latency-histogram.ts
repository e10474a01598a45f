/**
 * A fixed-memory latency histogram (log-linear, in the style of HdrHistogram) for INFO's
 * per-command p50/p99/p99.9. Recording is O(1) and memory never grows with the number of samples,
 * so every command can keep one for the life of the process.
 *
 * Layout: values are whole microseconds in [0, 60 s]. Values below 128 µs get one bucket each
 * (exact). Above that, every power of two [2^e, 2^(e+1)) is cut into 64 equal buckets, so a bucket
 * is never wider than 1/64 of its lower bound. A percentile is answered with the middle of the
 * bucket holding the wanted sample, hence:
 *
 *   RELATIVE ERROR: |percentile(p) - exact(p)| <= exact(p) / 128  (< 0.79 %, "2 significant digits")
 *
 * where exact(p) is the `percentileRank(p, count)`-th smallest recorded value (after the rounding
 * and clamping described on `record`). 1 344 buckets of float64 counts: about 10.5 KiB.
 */

/** Largest value kept; longer samples are recorded as this (a command slower than 60 s is broken anyway). */
export const HISTOGRAM_MAX_USEC = 60_000_000;
/** The documented bound on |estimate - exact| / exact. */
export const HISTOGRAM_RELATIVE_ERROR = 1 / 128;

/** log2 of the number of exact buckets at the bottom; above them each power of two gets half as many. */
const SUB_BUCKET_BITS = 7;
const EXACT_BUCKETS = 1 << SUB_BUCKET_BITS; // 128
const HALF_BUCKETS = EXACT_BUCKETS >> 1; // 64
const TOP_EXPONENT = Math.floor(Math.log2(HISTOGRAM_MAX_USEC));
const BUCKET_COUNT = EXACT_BUCKETS + (TOP_EXPONENT - SUB_BUCKET_BITS + 1) * HALF_BUCKETS;

/**
 * Which sample (1-based, in ascending order) is the p-th percentile of `count` samples: the smallest
 * sample such that at least p % of all samples are <= it (the "nearest rank" definition).
 */
export function percentileRank(p: number, count: number): number {
  if (count <= 0) return 0;
  const clampedP = Math.min(100, Math.max(0, p));
  // The epsilon keeps 99.9 % of 1000 at rank 999 despite 99.9 * 1000 / 100 = 999.0000000000001.
  const rank = Math.ceil((clampedP * count) / 100 - 1e-9);
  return Math.min(count, Math.max(1, rank));
}

function bucketOf(valueUsec: number): number {
  if (valueUsec < EXACT_BUCKETS) return valueUsec;
  const exponent = 31 - Math.clz32(valueUsec);
  const shift = exponent - (SUB_BUCKET_BITS - 1);
  return EXACT_BUCKETS + (exponent - SUB_BUCKET_BITS) * HALF_BUCKETS + ((valueUsec >>> shift) - HALF_BUCKETS);
}

/** [lowest, highest] whole-µs values that land in `bucket`. */
function bucketBounds(bucket: number): [number, number] {
  if (bucket < EXACT_BUCKETS) return [bucket, bucket];
  const offset = bucket - EXACT_BUCKETS;
  const exponent = SUB_BUCKET_BITS + Math.floor(offset / HALF_BUCKETS);
  const shift = exponent - (SUB_BUCKET_BITS - 1);
  const low = (HALF_BUCKETS + (offset % HALF_BUCKETS)) * 2 ** shift;
  return [low, low + 2 ** shift - 1];
}

export class LatencyHistogram {
  #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #minUsec = Infinity;
  #maxUsec = 0;

  /** Samples recorded since creation or the last reset. */
  get count(): number {
    return this.#count;
  }

  /** Record one sample: rounded to a whole microsecond, clamped to [0, HISTOGRAM_MAX_USEC]. */
  record(durationUsec: number): void {
    const valueUsec = normalize(durationUsec);
    this.#counts[bucketOf(valueUsec)] += 1;
    this.#count += 1;
    if (valueUsec < this.#minUsec) this.#minUsec = valueUsec;
    if (valueUsec > this.#maxUsec) this.#maxUsec = valueUsec;
  }

  /** The p-th percentile (0..100) in µs, within HISTOGRAM_RELATIVE_ERROR of the exact one; 0 when empty. */
  percentile(p: number): number {
    const rank = percentileRank(p, this.#count);
    if (rank === 0) return 0;
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      seen += this.#counts[bucket];
      if (seen < rank) continue;
      const [low, high] = bucketBounds(bucket);
      // The middle of the bucket halves the worst case; the observed extremes can only tighten it.
      const middle = (low + high) / 2;
      return Math.min(this.#maxUsec, Math.max(this.#minUsec, middle));
    }
    return this.#maxUsec;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#minUsec = Infinity;
    this.#maxUsec = 0;
  }
}

function normalize(durationUsec: number): number {
  if (!(durationUsec > 0)) return 0; // negatives and NaN: a clock hiccup, not a real duration
  return Math.min(HISTOGRAM_MAX_USEC, Math.round(durationUsec));
}
