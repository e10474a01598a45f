/**
 * How long to wait before dialing a peer again after `failures` consecutive failed attempts:
 * exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (a uniform draw in the upper
 * half of the step). The lower half is kept so that a dead peer costs at most one connect
 * attempt per half-step, however the draws fall; the jitter spreads the redials of many nodes
 * that lost the same peer at the same moment. Pure: the random draw is an argument.
 */
import { assert } from '../lib/assert';

export interface BackoffPolicy {
  /** The step after the first failure. */
  readonly baseMs: number;
  /** The largest step; the wait never exceeds it. */
  readonly maxMs: number;
}

/** `unit` is a uniform draw in [0, 1) (Random.float()). */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, unit: number): number {
  assert(failures >= 1, 'backoff needs at least one failure');
  assert(policy.baseMs > 0 && policy.maxMs >= policy.baseMs, 'backoff needs 0 < baseMs <= maxMs');
  // 2^30 already dwarfs any sane maxMs; the clamp keeps the power finite.
  const stepMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  return stepMs / 2 + (stepMs / 2) * unit;
}
