/**
 * FixedDelayTimers: each timer fires once at its own deadline, in start order, unless cancelled;
 * one Clock timer at a time, none once nothing waits.
 */
import { ManualClock } from '../../../src/lib/clock';
import { FixedDelayTimers } from '../../../src/lib/fixed-delay-timers';

describe('FixedDelayTimers', () => {
  test('fires each timer at its own deadline, in start order', () => {
    const clock = new ManualClock();
    const timers = new FixedDelayTimers(clock, 20);
    const fired: string[] = [];
    timers.start(() => fired.push(`a@${clock.monotonicMs()}`));
    clock.advance(5);
    timers.start(() => fired.push(`b@${clock.monotonicMs()}`));
    timers.start(() => fired.push(`c@${clock.monotonicMs()}`));
    clock.advance(14);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['a@20']);
    clock.advance(5);
    expect(fired).toEqual(['a@20', 'b@25', 'c@25']);
    clock.advance(100);
    expect(fired).toHaveLength(3);
    expect(timers.size).toBe(0);
  });

  test('a cancelled timer never fires; the others still do', () => {
    const clock = new ManualClock();
    const timers = new FixedDelayTimers(clock, 20);
    const fired: number[] = [];
    const handles = [0, 1, 2, 3].map((i) => {
      clock.advance(1);
      return timers.start(() => fired.push(i));
    });
    handles[0].cancel();
    handles[2].cancel();
    handles[2].cancel();
    clock.advance(50);
    expect(fired).toEqual([1, 3]);
  });

  test('a timer started from a firing one fires a full delay later', () => {
    const clock = new ManualClock();
    const timers = new FixedDelayTimers(clock, 10);
    const fired: number[] = [];
    timers.start(() => {
      fired.push(clock.monotonicMs());
      timers.start(() => fired.push(clock.monotonicMs()));
    });
    clock.advance(30);
    expect(fired).toEqual([10, 20]);
  });

  test('holds at most what starts within one delay, however many are cancelled', () => {
    const clock = new ManualClock();
    const timers = new FixedDelayTimers(clock, 20);
    for (let i = 0; i < 10_000; i++) {
      timers.start(() => undefined).cancel();
      clock.advance(1);
      expect(timers.size).toBeLessThanOrEqual(21);
    }
  });
});
