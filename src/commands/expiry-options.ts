import { ReplyError } from '../lib/errors';
import { parseInt64 } from './args';

/** Largest deadline accepted: Redis refuses times that overflow a signed 64-bit ms value; we also keep them exact in a double. */
const DEADLINE_MS_MAX = Number.MAX_SAFE_INTEGER;

export type ExpiryUnit = 'EX' | 'PX' | 'EXAT' | 'PXAT';

/**
 * Turn an expiry option into an absolute wall-clock deadline in ms, with Redis's errors:
 * non-integers get "value is not an integer", zero/negative or overflowing times get
 * "invalid expire time in '<cmd>' command".
 */
export function deadlineMs(unit: ExpiryUnit, arg: Buffer, nowMs: number, commandName: string): number {
  const raw = parseInt64(arg);
  if (raw === undefined) throw new ReplyError('ERR value is not an integer or out of range');
  const invalid = new ReplyError(`ERR invalid expire time in '${commandName}' command`);
  if (raw <= 0n) throw invalid;
  const scaled = unit === 'EX' || unit === 'EXAT' ? raw * 1000n : raw;
  const absolute = unit === 'EX' || unit === 'PX' ? scaled + BigInt(nowMs) : scaled;
  if (absolute > BigInt(DEADLINE_MS_MAX)) throw invalid;
  return Number(absolute);
}
