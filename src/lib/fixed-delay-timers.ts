/**
 * Many timers of one fixed delay on a single Clock timer. With one delay, deadlines come in the
 * order the timers start, so a queue holds them and one Clock timer is armed at the earliest;
 * cancelling only marks an entry. For a timer started on every request and almost always
 * cancelled (a quorum read's speculative retry), this costs one small object instead of a
 * runtime timer, its handle and its list bookkeeping.
 *
 * Timers fire at their own deadlines, in the order they were started, like Clock timers of equal
 * delay. The queue holds at most what starts within one delay (cancelled entries leave when their
 * deadline passes).
 */
import type { Clock, TimerHandle } from './clock';

class FixedDelayTimer implements TimerHandle {
  fn: (() => void) | undefined;
  readonly dueMs: number;

  constructor(fn: () => void, dueMs: number) {
    this.fn = fn;
    this.dueMs = dueMs;
  }

  cancel(): void {
    this.fn = undefined;
  }
}

/** Entries already fired or cancelled at the queue's front, dropped in one splice past this many. */
const COMPACT_AFTER = 1024;

export class FixedDelayTimers {
  readonly #clock: Clock;
  readonly #delayMs: number;
  #queue: FixedDelayTimer[] = [];
  #head = 0;
  #armed: TimerHandle | undefined;

  constructor(clock: Clock, delayMs: number) {
    this.#clock = clock;
    this.#delayMs = delayMs;
  }

  /** Run `fn` once after the delay, unless cancelled first. */
  start(fn: () => void): TimerHandle {
    const timer = new FixedDelayTimer(fn, this.#clock.monotonicMs() + this.#delayMs);
    this.#queue.push(timer);
    if (this.#armed === undefined) this.#arm(this.#delayMs);
    return timer;
  }

  /** Timers waiting (cancelled ones included until their deadline). */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  #arm(delayMs: number): void {
    this.#armed = this.#clock.setTimer(Math.max(0, delayMs), () => this.#fire());
  }

  #fire(): void {
    this.#armed = undefined;
    const nowMs = this.#clock.monotonicMs();
    const queue = this.#queue;
    const due: Array<() => void> = [];
    while (this.#head < queue.length && queue[this.#head].dueMs <= nowMs) {
      const fn = queue[this.#head].fn;
      if (fn !== undefined) due.push(fn);
      this.#head++;
    }
    if (this.#head > COMPACT_AFTER && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#head < this.#queue.length) this.#arm(this.#queue[this.#head].dueMs - nowMs);
    else if (this.#head > 0) {
      this.#queue = [];
      this.#head = 0;
    }
    for (const fn of due) fn();
  }
}
