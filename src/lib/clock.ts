/**
 * Time as the rest of dynkv sees it. Shells receive a Clock through their constructor and never
 * read the system clock or start a timer themselves; the simulator passes a simulated Clock.
 */
export interface TimerHandle {
  /** Stop the timer; harmless if it already fired. */
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch: write timestamps (LWW) and expiry deadlines. */
  nowMs(): number;
  /** Monotonic milliseconds from an arbitrary origin: durations, timeouts, latency. */
  monotonicMs(): number;
  /** Run `fn` once after `delayMs`. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Run `fn` every `intervalMs` until cancelled. */
  setInterval(intervalMs: number, fn: () => void): TimerHandle;
  /**
   * Run `fn` after the I/O events already queued in this event-loop turn (setImmediate).
   * Group commit uses it: every write staged in one turn shares one transaction.
   */
  defer(fn: () => void): void;
  /**
   * Run `fn` once this turn's input is handled: as defer does, except when called from deferred
   * work or the promise continuations it started, where this turn's input is already behind us
   * and `fn` runs as soon as they settle. Output flushes use it: what a group commit releases
   * (acknowledgements, replica writes, client replies) leaves right after the commit instead of
   * after the next turn's input, without giving up one write per connection per turn.
   */
  deferOutput(fn: () => void): void;
}

/** The real clock of a node process. */
export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  monotonicMs(): number {
    return performance.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(timer) };
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    const timer = setInterval(fn, intervalMs);
    return { cancel: () => clearInterval(timer) };
  }

  /** Whether deferred work, or the promise continuations it started, is running. */
  #inDeferred = false;
  #outputs: Array<() => void> = [];

  defer(fn: () => void): void {
    setImmediate(() => this.#runDeferred(fn));
  }

  deferOutput(fn: () => void): void {
    if (this.#inDeferred) this.#outputs.push(fn);
    // Output is deferred work too: what it queues (a batch's frames) leaves in the same round.
    else setImmediate(() => this.#runDeferred(fn));
  }

  #runDeferred(fn: () => void): void {
    this.#inDeferred = true;
    try {
      fn();
    } finally {
      // A tick queued from a microtask runs once the microtask queue is empty: after every
      // continuation `fn` started, however deep its promise chains (Node runs ticks, then
      // microtasks, until both are empty, before the next immediate or I/O callback).
      queueMicrotask(this.#endAfterContinuations);
    }
  }

  readonly #endAfterContinuations = (): void => {
    process.nextTick(this.#endDeferred);
  };

  readonly #endDeferred = (): void => {
    const outputs = this.#outputs;
    if (outputs.length === 0) {
      this.#inDeferred = false;
      return;
    }
    this.#outputs = [];
    for (const fn of outputs) fn();
    // Output can queue output (replica writes batched at the end of the cascade, then framed for
    // their connection): it runs once the continuations of this round settle, in the same turn.
    queueMicrotask(this.#endAfterContinuations);
  };
}

/**
 * A clock for unit tests and the simulator: time moves only when `advance` is called, and timers
 * fire in deadline order (ties in creation order), so a run is reproducible.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #monotonicMs = 0;
  #sequence = 0;
  #timers = new Map<number, { dueMs: number; sequence: number; intervalMs: number; fn: () => void }>();
  #deferred: Array<() => void> = [];

  constructor(startWallMs = 1_700_000_000_000) {
    this.#nowMs = startWallMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  monotonicMs(): number {
    return this.#monotonicMs;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.#add(delayMs, 0, fn);
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    return this.#add(intervalMs, Math.max(1, intervalMs), fn);
  }

  defer(fn: () => void): void {
    this.#deferred.push(fn);
  }

  /** Deferred work like any other: runDeferred runs what deferred work defers before returning. */
  deferOutput(fn: () => void): void {
    this.#deferred.push(fn);
  }

  /** Timers armed and not yet fired or cancelled (tests check that nothing is left behind). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Shift wall time only (a clock jump); monotonic time and timers are unaffected. */
  jumpWallMs(deltaMs: number): void {
    this.#nowMs += deltaMs;
  }

  /** Run deferred work until none is left. */
  runDeferred(): void {
    while (this.#deferred.length > 0) {
      const batch = this.#deferred;
      this.#deferred = [];
      for (const fn of batch) fn();
    }
  }

  /** Move time forward by `deltaMs`, firing due timers (and deferred work) in order. */
  advance(deltaMs: number): void {
    const targetMs = this.#monotonicMs + deltaMs;
    this.runDeferred();
    for (;;) {
      const next = this.#nextDue(targetMs);
      if (next === undefined) break;
      const [id, timer] = next;
      this.#nowMs += timer.dueMs - this.#monotonicMs;
      this.#monotonicMs = timer.dueMs;
      if (timer.intervalMs > 0) {
        timer.dueMs += timer.intervalMs;
        timer.sequence = this.#sequence++;
      } else {
        this.#timers.delete(id);
      }
      timer.fn();
      this.runDeferred();
    }
    this.#nowMs += targetMs - this.#monotonicMs;
    this.#monotonicMs = targetMs;
  }

  /** Milliseconds until the earliest timer, or undefined when none is pending. */
  nextTimerInMs(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.#timers.values()) {
      if (earliest === undefined || timer.dueMs < earliest) earliest = timer.dueMs;
    }
    return earliest === undefined ? undefined : Math.max(0, earliest - this.#monotonicMs);
  }

  #add(delayMs: number, intervalMs: number, fn: () => void): TimerHandle {
    const id = this.#sequence++;
    this.#timers.set(id, { dueMs: this.#monotonicMs + Math.max(0, delayMs), sequence: id, intervalMs, fn });
    return { cancel: () => this.#timers.delete(id) };
  }

  #nextDue(limitMs: number) {
    let best: [number, { dueMs: number; sequence: number; intervalMs: number; fn: () => void }] | undefined;
    for (const entry of this.#timers) {
      const timer = entry[1];
      if (timer.dueMs > limitMs) continue;
      if (!best || timer.dueMs < best[1].dueMs || (timer.dueMs === best[1].dueMs && timer.sequence < best[1].sequence)) {
        best = entry;
      }
    }
    return best;
  }
}

/**
 * Let every promise continuation that is ready run. setImmediate fires only after the microtask
 * queue is empty; the simulator (which does no real I/O) uses it to wait for the real node code's
 * promise chains to settle between simulated events, never to keep time.
 */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
