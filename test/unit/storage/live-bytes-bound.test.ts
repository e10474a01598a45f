/**
 * LiveBytesBound: the soft limit decides on exact measurements, while a commit costs no
 * measurement until the bound nears the limit or LIVE_BYTES_MEASURE_COMMITS have passed.
 */
import { LIVE_BYTES_MEASURE_COMMITS, LiveBytesBound } from '../../../src/storage/lmdb-space';

function bound(initialBytes: number) {
  const state = { liveBytes: initialBytes, measurements: 0 };
  const subject = new LiveBytesBound(() => {
    state.measurements++;
    return state.liveBytes;
  });
  return { state, subject };
}

test('measures once, then follows commits by their estimates', () => {
  const { state, subject } = bound(1000);
  expect(subject.admits(100, 10_000)).toBe(true);
  for (let i = 0; i < 50; i++) subject.committed(100);
  expect(subject.admits(100, 10_000)).toBe(true);
  expect(state.measurements).toBe(1);
});

test('over by the bound, it measures: the exact figure decides', () => {
  const { state, subject } = bound(1000);
  expect(subject.admits(0, 10_000)).toBe(true);
  // Estimates say 1000 + 90 * 100 = 10,000 live; the data (deletes, overestimates) holds 2,000.
  for (let i = 0; i < 90; i++) subject.committed(100);
  state.liveBytes = 2000;
  expect(subject.admits(500, 10_000)).toBe(true);
  expect(state.measurements).toBe(2);
  // Really over: refused, on a fresh measurement.
  state.liveBytes = 9800;
  subject.committed(7800);
  expect(subject.admits(500, 10_000)).toBe(false);
  expect(state.measurements).toBe(3);
});

test(`measures again after ${LIVE_BYTES_MEASURE_COMMITS} commits`, () => {
  const { state, subject } = bound(0);
  subject.admits(0, 1 << 30);
  for (let i = 0; i < LIVE_BYTES_MEASURE_COMMITS; i++) subject.committed(1);
  subject.admits(0, 1 << 30);
  expect(state.measurements).toBe(2);
});

test('a commit before any measurement changes nothing', () => {
  const { state, subject } = bound(500);
  subject.committed(10_000);
  expect(subject.admits(0, 1000)).toBe(true);
  expect(state.measurements).toBe(1);
});
