import { Clock, ManualClock, TimerHandle, drainMicrotasks } from '../lib/clock';

export { drainMicrotasks };

/**
 * The simulator's view of one shared ManualClock. It forwards everything, but counts deferred work
 * (group commits run on `defer`) so the scheduler knows when a step has fully settled: ManualClock
 * itself cannot tell whether anything is still deferred.
 */
export class SimClock implements Clock {
  readonly manual: ManualClock;
  #deferredPending = 0;

  constructor(manual: ManualClock) {
    this.manual = manual;
  }

  get deferredPending(): number {
    return this.#deferredPending;
  }

  nowMs(): number {
    return this.manual.nowMs();
  }

  monotonicMs(): number {
    return this.manual.monotonicMs();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.manual.setTimer(delayMs, fn);
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    return this.manual.setInterval(intervalMs, fn);
  }

  defer(fn: () => void): void {
    this.#deferredPending++;
    this.manual.defer(() => {
      this.#deferredPending--;
      fn();
    });
  }

  deferOutput(fn: () => void): void {
    this.defer(fn);
  }

  /** Resolve after `delayMs` of simulated time (workload think time). */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.manual.setTimer(delayMs, resolve));
  }
}


/** Run deferred work and promise continuations until neither is left. */
export async function settle(clock: SimClock): Promise<void> {
  await drainMicrotasks();
  while (clock.deferredPending > 0) {
    clock.manual.runDeferred();
    await drainMicrotasks();
  }
}

/** Advance simulated time by `durationMs`, one timer deadline at a time, settling after each. */
export async function runFor(clock: SimClock, durationMs: number): Promise<void> {
  const endMs = clock.monotonicMs() + durationMs;
  await settle(clock);
  for (;;) {
    const nextInMs = clock.manual.nextTimerInMs();
    const nowMs = clock.monotonicMs();
    if (nextInMs === undefined || nowMs + nextInMs > endMs) {
      clock.manual.advance(endMs - nowMs);
      await settle(clock);
      return;
    }
    clock.manual.advance(nextInMs);
    await settle(clock);
  }
}

/**
 * One node's view of the shared clock: the same monotonic time and timers, but a wall clock that
 * may be off by `offsetMs` (NTP steps, a bad RTC). Only wall time feeds LWW timestamps and expiry,
 * so skew is what the clock-jump fault is about; everything else stays shared and deterministic.
 */
export class NodeClock implements Clock {
  readonly #shared: SimClock;
  offsetMs = 0;

  constructor(shared: SimClock) {
    this.#shared = shared;
  }

  nowMs(): number {
    return this.#shared.nowMs() + this.offsetMs;
  }

  monotonicMs(): number {
    return this.#shared.monotonicMs();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.#shared.setTimer(delayMs, fn);
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    return this.#shared.setInterval(intervalMs, fn);
  }

  defer(fn: () => void): void {
    this.#shared.defer(fn);
  }

  deferOutput(fn: () => void): void {
    this.#shared.defer(fn);
  }
}
