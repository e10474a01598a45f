import { HISTOGRAM_MAX_USEC, HISTOGRAM_RELATIVE_ERROR, LatencyHistogram, percentileRank } from '../../../src/stats/latency-histogram';
import { ServerStats } from '../../../src/stats/server-stats';

describe('percentileRank', () => {
  it('uses the nearest-rank definition', () => {
    expect(percentileRank(50, 0)).toBe(0);
    expect(percentileRank(0, 10)).toBe(1);
    expect(percentileRank(50, 10)).toBe(5);
    expect(percentileRank(51, 10)).toBe(6);
    expect(percentileRank(100, 10)).toBe(10);
    expect(percentileRank(99, 100)).toBe(99);
  });

  it('is not pushed up a rank by floating-point noise', () => {
    // 99.9 * 1000 / 100 is 999.0000000000001 in binary floating point.
    expect(percentileRank(99.9, 1000)).toBe(999);
    expect(percentileRank(99.9, 10_000)).toBe(9990);
  });
});

describe('LatencyHistogram', () => {
  it('answers 0 when empty', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(50)).toBe(0);
  });

  it('is exact below 128 µs', () => {
    const histogram = new LatencyHistogram();
    for (let usec = 1; usec <= 100; usec++) histogram.record(usec);
    expect(histogram.count).toBe(100);
    expect(histogram.percentile(50)).toBe(50);
    expect(histogram.percentile(99)).toBe(99);
    expect(histogram.percentile(99.9)).toBe(100);
    expect(histogram.percentile(0)).toBe(1);
  });

  it('stays within the documented relative error for large values', () => {
    const histogram = new LatencyHistogram();
    const value = 1_234_567;
    histogram.record(value);
    histogram.record(value + 1);
    const estimate = histogram.percentile(50);
    expect(Math.abs(estimate - value) / value).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
  });

  it('reports a single sample exactly (clamped to the observed range)', () => {
    const histogram = new LatencyHistogram();
    histogram.record(987_654);
    expect(histogram.percentile(50)).toBe(987_654);
    expect(histogram.percentile(99.9)).toBe(987_654);
  });

  it('rounds fractions, clamps negatives to 0 and huge values to the maximum', () => {
    const histogram = new LatencyHistogram();
    histogram.record(2.6);
    expect(histogram.percentile(100)).toBe(3);
    histogram.reset();
    histogram.record(-5);
    histogram.record(Number.NaN);
    expect(histogram.percentile(100)).toBe(0);
    histogram.reset();
    histogram.record(10 * HISTOGRAM_MAX_USEC);
    expect(histogram.percentile(100)).toBe(HISTOGRAM_MAX_USEC);
  });

  it('forgets everything on reset', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) histogram.record(5000);
    histogram.reset();
    expect(histogram.count).toBe(0);
    histogram.record(7);
    expect(histogram.percentile(99)).toBe(7);
  });

  it('separates a slow tail from the median', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 990; i++) histogram.record(100);
    for (let i = 0; i < 10; i++) histogram.record(50_000);
    expect(histogram.percentile(50)).toBe(100);
    expect(histogram.percentile(99)).toBe(100);
    expect(Math.abs(histogram.percentile(99.9) - 50_000) / 50_000).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
  });
});

describe('ServerStats', () => {
  it('counts connections, bytes, hits, protocol errors', () => {
    const stats = new ServerStats(['get']);
    stats.recordConnection();
    stats.recordConnection();
    stats.recordBytes(10, 20);
    stats.recordBytes(1, 2);
    stats.recordHit(true);
    stats.recordHit(false);
    stats.recordHit(false);
    stats.recordProtocolError();
    expect(stats.connectionsReceived).toBe(2);
    expect(stats.netInputBytes).toBe(11);
    expect(stats.netOutputBytes).toBe(22);
    expect(stats.keyspaceHits).toBe(1);
    expect(stats.keyspaceMisses).toBe(2);
    expect(stats.protocolErrors).toBe(1);
  });

  it('keeps per-command stats only for registered names, sorted by name', () => {
    const stats = new ServerStats(['set', 'get']);
    stats.recordCommand('GET', 10, false);
    stats.recordCommand('get', 30, true);
    stats.recordCommand('set', 5, false);
    stats.recordCommand('nosuchcommand', 1, true);
    expect(stats.commandsProcessed).toBe(4);
    expect(stats.commandStats()).toEqual([
      { name: 'get', calls: 2, usecTotal: 40, failed: 1, p50Usec: 10, p99Usec: 30, p999Usec: 30 },
      { name: 'set', calls: 1, usecTotal: 5, failed: 0, p50Usec: 5, p99Usec: 5, p999Usec: 5 },
    ]);
  });

  it('bounds the names it tracks when given no list', () => {
    const stats = new ServerStats();
    for (let i = 0; i < 1000; i++) stats.recordCommand(`cmd${i}`, 1, false);
    expect(stats.commandStats().length).toBe(256);
    expect(stats.commandsProcessed).toBe(1000);
  });

  it('resets to zero', () => {
    const stats = new ServerStats(['get']);
    stats.recordCommand('get', 10, false);
    stats.recordConnection();
    stats.reset();
    expect(stats.commandsProcessed).toBe(0);
    expect(stats.connectionsReceived).toBe(0);
    expect(stats.commandStats()).toEqual([]);
  });
});
