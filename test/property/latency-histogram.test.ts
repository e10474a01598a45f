import fc from 'fast-check';
import { HISTOGRAM_MAX_USEC, HISTOGRAM_RELATIVE_ERROR, LatencyHistogram, percentileRank } from '../../src/stats/latency-histogram';

/** The exact nearest-rank percentile of the samples, computed independently by sorting. */
function exactPercentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[percentileRank(p, sorted.length) - 1];
}

const sample = fc.oneof(
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.integer({ min: 0, max: HISTOGRAM_MAX_USEC }),
);
const percentile = fc.oneof(fc.constantFrom(0, 50, 90, 99, 99.9, 99.99, 100), fc.double({ min: 0, max: 100, noNaN: true }));

describe('LatencyHistogram (property)', () => {
  it('every percentile is within the documented relative error of the exact one', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 500 }), fc.array(percentile, { minLength: 1, maxLength: 8 }), (samples, ps) => {
        const histogram = new LatencyHistogram();
        for (const value of samples) histogram.record(value);
        expect(histogram.count).toBe(samples.length);
        for (const p of ps) {
          const exact = exactPercentile(samples, p);
          const estimate = histogram.percentile(p);
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_RELATIVE_ERROR);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('percentiles never decrease as p grows', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 300 }), (samples) => {
        const histogram = new LatencyHistogram();
        for (const value of samples) histogram.record(value);
        let previous = -1;
        for (const p of [0, 10, 25, 50, 75, 90, 99, 99.9, 100]) {
          const estimate = histogram.percentile(p);
          expect(estimate).toBeGreaterThanOrEqual(previous);
          previous = estimate;
        }
      }),
    );
  });
});
