/**
 * The phi accrual failure detector (Hayashi, Défago, Yared, Katayama 2004), as Akka and Cassandra
 * use it. Instead of a yes/no timeout it outputs phi, a suspicion level on a continuous scale:
 * phi = -log10(P(a heartbeat arrives later than now)), with inter-arrival times modelled as a
 * normal distribution fitted to the recent intervals. phi = 1 means a 10% chance that the node is
 * fine and merely late, phi = 8 a one-in-10^8 chance. The caller picks what to do at which level.
 *
 * One detector per peer. The shell calls `record(nowMs)` when news of a higher heartbeat of that
 * peer arrives (member-table `freshHeartbeats`), and reads `phi(nowMs)` / `liveness(nowMs)`.
 * Time is monotonic milliseconds passed in; the class never reads a clock.
 *
 * Details, following Akka's PhiAccrualFailureDetector:
 * - the normal CDF uses the logistic approximation 1 / (1 + e^(-y (1.5976 + 0.070566 y^2))),
 *   error < 1.4e-4, computed in log space so phi is finite and monotone in time (no cliff to
 *   Infinity when the tail probability underflows);
 * - the standard deviation is at least `minStdDeviationMs`: perfectly regular heartbeats would
 *   otherwise make a few milliseconds of lateness look like death;
 * - `acceptableHeartbeatPauseMs` is added to the mean: a GC pause or a slow gossip path of that
 *   length raises phi only a little;
 * - before the first interval the history is seeded with `firstHeartbeatEstimateMs` (mean) and a
 *   quarter of it (deviation), so a new peer is judged sensibly from its second heartbeat on;
 * - before the first heartbeat phi is 0: no news is not evidence of failure (the shell creates a
 *   detector when it first hears of a peer and records that as the first arrival).
 *
 * Defaults suit heartbeats that travel by gossip, one round a second: they arrive about once a
 * second but jittered by the epidemic path, hence a 2 s acceptable pause. With steady 1 s
 * heartbeats a peer turns suspect 4.0 s and down 4.3 s after its last heartbeat (phi is 0.3 at
 * 3 s, 1.6 at 3.5 s, 10.8 at 4.5 s): slower than a bare timeout, but a 2-3 s stall does not flap
 * writes over to fallbacks. Request timeouts sharpen the view in the shell.
 */

export type Liveness = 'up' | 'suspect' | 'down';

/** phi at which a peer is suspect: a 1-in-100 000 chance it is merely late. Callers may prefer other replicas. */
export const PHI_SUSPECT = 5;
/** phi at which a peer is down (Akka's default threshold): sloppy quorum replaces it with a fallback. */
export const PHI_DOWN = 8;

export interface PhiAccrualOptions {
  /** How many recent intervals the model is fitted to; older ones are forgotten (named limit). */
  readonly sampleWindowMax: number;
  /** Floor on the fitted standard deviation. */
  readonly minStdDeviationMs: number;
  /** Added to the mean interval: a pause this long is tolerated. */
  readonly acceptableHeartbeatPauseMs: number;
  /** Expected interval before any has been measured (the gossip interval). */
  readonly firstHeartbeatEstimateMs: number;
}

export const DEFAULT_PHI_ACCRUAL_OPTIONS: PhiAccrualOptions = {
  sampleWindowMax: 200,
  minStdDeviationMs: 250,
  acceptableHeartbeatPauseMs: 2000,
  firstHeartbeatEstimateMs: 1000,
};

export class PhiAccrualDetector {
  readonly #options: PhiAccrualOptions;
  readonly #intervalsMs: number[] = [];
  /** Where the next interval goes once the window is full (a ring buffer). */
  #next = 0;
  #sumMs = 0;
  #sumSquaresMs2 = 0;
  #lastArrivalMs: number | undefined;

  constructor(options: Partial<PhiAccrualOptions> = {}) {
    this.#options = { ...DEFAULT_PHI_ACCRUAL_OPTIONS, ...options };
    const { sampleWindowMax, minStdDeviationMs, acceptableHeartbeatPauseMs, firstHeartbeatEstimateMs } = this.#options;
    if (!Number.isInteger(sampleWindowMax) || sampleWindowMax < 2) {
      throw new RangeError('sampleWindowMax must be an integer >= 2');
    }
    if (!(minStdDeviationMs > 0)) throw new RangeError('minStdDeviationMs must be > 0');
    if (!(acceptableHeartbeatPauseMs >= 0)) throw new RangeError('acceptableHeartbeatPauseMs must be >= 0');
    if (!(firstHeartbeatEstimateMs > 0)) throw new RangeError('firstHeartbeatEstimateMs must be > 0');
  }

  /** A heartbeat arrived at `nowMs`. Arrivals that are not later than the last one add no interval. */
  record(nowMs: number): void {
    const last = this.#lastArrivalMs;
    if (last === undefined) {
      const estimate = this.#options.firstHeartbeatEstimateMs;
      this.#add(estimate - estimate / 4);
      this.#add(estimate + estimate / 4);
    } else if (nowMs > last) {
      this.#add(nowMs - last);
    }
    if (last === undefined || nowMs > last) this.#lastArrivalMs = nowMs;
  }

  /** Suspicion that the peer has failed, >= 0 and non-decreasing in `nowMs`. */
  phi(nowMs: number): number {
    const last = this.#lastArrivalMs;
    if (last === undefined || nowMs <= last) return 0;
    const count = this.#intervalsMs.length;
    const meanMs = this.#sumMs / count;
    const varianceMs2 = Math.max(0, this.#sumSquaresMs2 / count - meanMs * meanMs);
    const stdDeviationMs = Math.max(Math.sqrt(varianceMs2), this.#options.minStdDeviationMs);
    const y = (nowMs - last - (meanMs + this.#options.acceptableHeartbeatPauseMs)) / stdDeviationMs;
    // P(later) = 1 / (1 + e^a); phi = log10(1 + e^a), written so neither branch overflows.
    const a = y * (1.5976 + 0.070566 * y * y);
    const lnOnePlusExpA = a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
    return lnOnePlusExpA / Math.LN10;
  }

  liveness(nowMs: number): Liveness {
    const phi = this.phi(nowMs);
    return phi >= PHI_DOWN ? 'down' : phi >= PHI_SUSPECT ? 'suspect' : 'up';
  }

  /** How many intervals the model currently holds (at most `sampleWindowMax`). */
  get sampleCount(): number {
    return this.#intervalsMs.length;
  }

  #add(intervalMs: number): void {
    const window = this.#intervalsMs;
    if (window.length < this.#options.sampleWindowMax) {
      window.push(intervalMs);
      this.#sumMs += intervalMs;
      this.#sumSquaresMs2 += intervalMs * intervalMs;
      return;
    }
    const dropped = window[this.#next]!;
    window[this.#next] = intervalMs;
    this.#next = (this.#next + 1) % window.length;
    if (this.#next === 0) {
      // Recompute once per lap so rounding in the running sums never accumulates.
      this.#sumMs = window.reduce((sum, x) => sum + x, 0);
      this.#sumSquaresMs2 = window.reduce((sum, x) => sum + x * x, 0);
    } else {
      this.#sumMs += intervalMs - dropped;
      this.#sumSquaresMs2 += intervalMs * intervalMs - dropped * dropped;
    }
  }
}
