/**
 * Limits of the background budget. Units are records: a record sent, received or compared by a
 * background loop costs one unit.
 */
export interface BackgroundBudgetLimits {
  /** Records per second background work may handle while clients are idle. */
  readonly recordsPerSecondIdle: number;
  /** Records per second while clients are busy: low, but never zero, so repair always ends. */
  readonly recordsPerSecondBusy: number;
  /** Client commands per second at and above which the node counts as busy. */
  readonly busyCommandsPerSecond: number;
}

export const DEFAULT_BACKGROUND_BUDGET_LIMITS: BackgroundBudgetLimits = {
  recordsPerSecondIdle: 20_000,
  recordsPerSecondBusy: 1_000,
  busyCommandsPerSecond: 2_000,
};

/** Window over which the client command rate is measured. */
const WINDOW_MS = 1000;

/**
 * A token bucket whose refill rate follows client load, read from the node's running count of
 * client commands (so the client hot path pays nothing). Background loops call `tryTake` before each batch and skip
 * the batch (trying again on their next tick) when it answers false. The bucket holds at most one
 * second of tokens, so an idle spell does not bank a burst that would land on the next clients.
 */
export class BackgroundBudget {
  readonly #limits: BackgroundBudgetLimits;
  #tokens: number;
  #refilledAtMs: number | undefined;
  readonly #clientCommandsTotal: () => number;
  #windowStartMs: number | undefined;
  #windowStartCommands = 0;
  #busy = false;
  #granted = 0;
  #refused = 0;

  /** `clientCommandsTotal`: client commands this node has served so far (it may be reset to 0). */
  constructor(clientCommandsTotal: () => number, limits: BackgroundBudgetLimits = DEFAULT_BACKGROUND_BUDGET_LIMITS) {
    this.#clientCommandsTotal = clientCommandsTotal;
    this.#limits = limits;
    this.#tokens = limits.recordsPerSecondIdle;
  }

  /** Whether clients kept the node busy over the last measuring window. */
  busy(nowMs: number): boolean {
    this.#roll(nowMs);
    return this.#busy;
  }

  /**
   * Take `records` units if the budget has them now. Every caller passes the same kind of time,
   * the Clock's `monotonicMs()`, so a wall clock stepping back cannot refill the bucket.
   */
  tryTake(nowMs: number, records: number): boolean {
    const rate = this.busy(nowMs) ? this.#limits.recordsPerSecondBusy : this.#limits.recordsPerSecondIdle;
    if (this.#refilledAtMs !== undefined && nowMs > this.#refilledAtMs) {
      this.#tokens = Math.min(rate, this.#tokens + ((nowMs - this.#refilledAtMs) * rate) / 1000);
    }
    this.#refilledAtMs = nowMs;
    // Cap at the current rate: turning busy drops what was banked while idle.
    this.#tokens = Math.min(this.#tokens, rate);
    // A batch larger than a whole second's budget may still go once the bucket is full,
    // or it could never run at all.
    if (this.#tokens >= records || this.#tokens >= rate) {
      this.#tokens -= records;
      this.#granted += records;
      return true;
    }
    this.#refused++;
    return false;
  }

  /** Records granted and batches refused so far (INFO). */
  get granted(): number {
    return this.#granted;
  }

  get refused(): number {
    return this.#refused;
  }

  #roll(nowMs: number): void {
    const total = this.#clientCommandsTotal();
    if (this.#windowStartMs === undefined || total < this.#windowStartCommands) {
      this.#windowStartMs = nowMs;
      this.#windowStartCommands = total;
      return;
    }
    const elapsedMs = nowMs - this.#windowStartMs;
    // Busy as soon as the running window passes the threshold, not only at its end.
    const commandsPerSecond = ((total - this.#windowStartCommands) * 1000) / Math.max(elapsedMs, WINDOW_MS);
    if (elapsedMs >= WINDOW_MS) {
      this.#busy = commandsPerSecond >= this.#limits.busyCommandsPerSecond;
      this.#windowStartMs = nowMs;
      this.#windowStartCommands = total;
    } else if (commandsPerSecond >= this.#limits.busyCommandsPerSecond) {
      this.#busy = true;
    }
  }
}
