import { ReplyError } from '../lib/errors';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../lib/int64';
import { DvvSet, Version, siblings } from '../versioning/dvvset';
import { isLive, pickWinner } from '../versioning/lww';
import type { MutationOutcome, NewVersion } from './coordinator';
import { Mutation, MutationResult, RESULT_NULL, RESULT_OK, RESULT_ONE, RESULT_ZERO } from './mutation';

/** Bounds a mutation must respect whatever node evaluates it. */
export interface MutationLimits {
  readonly valueBytesMax: number;
}

const EMPTY = Buffer.alloc(0);
const TOMBSTONE: NewVersion = { data: EMPTY, tombstone: true, expiresAtMs: 0 };

/**
 * How plain Redis commands see a versioned key: the last-writer-wins pick among its siblings, and
 * nothing at all if that pick is a tombstone or has expired (SPEC section 2, GET).
 */
export function visibleValue(set: DvvSet, nowMs: number): Version | undefined {
  // The common case, one version: no sibling list to build.
  if (set.entries.length === 1 && set.entries[0].versions.length === 1) {
    const only = set.entries[0].versions[0];
    return isLive(only, nowMs) ? only : undefined;
  }
  if (set.entries.length === 0) return undefined;
  const winner = pickWinner(siblings(set));
  return winner !== undefined && isLive(winner.version, nowMs) ? winner.version : undefined;
}

export function checkValueSize(bytes: number, limits: MutationLimits): void {
  if (bytes > limits.valueBytesMax) throw new ReplyError(`ERR value too large (${bytes} bytes, max-value-bytes is ${limits.valueBytesMax})`);
}

/**
 * Decide what `mutation` writes given the key's current siblings at `nowMs`. Pure; throws
 * ReplyError for a request Redis would refuse (a non-integer INCR, an oversized APPEND).
 */
export function applyMutation(mutation: Mutation, current: DvvSet, nowMs: number, limits: MutationLimits): MutationOutcome<MutationResult> {
  const existing = visibleValue(current, nowMs);
  const put = (data: Buffer, expiresAtMs: number, result: MutationResult): MutationOutcome<MutationResult> => ({
    write: { data, tombstone: false, expiresAtMs },
    context: 'current',
    result,
  });
  switch (mutation.kind) {
    case 'set': {
      const previous: MutationResult = existing ? { kind: 'bulk', value: existing.data } : RESULT_NULL;
      const blocked = (mutation.condition === 'NX' && existing) || (mutation.condition === 'XX' && !existing);
      if (blocked) return { result: mutation.returnPrevious ? previous : RESULT_NULL };
      const expiresAtMs = mutation.expiresAtMs === 'keep' ? (existing?.expiresAtMs ?? 0) : mutation.expiresAtMs;
      return put(mutation.value, expiresAtMs, mutation.returnPrevious ? previous : RESULT_OK);
    }
    case 'delete':
      return existing ? { write: TOMBSTONE, context: 'current', result: RESULT_ONE } : { result: RESULT_ZERO };
    case 'getdel':
      return existing ? { write: TOMBSTONE, context: 'current', result: { kind: 'bulk', value: existing.data } } : { result: RESULT_NULL };
    case 'incrby': {
      const base = existing ? parseInt64(existing.data) : 0n;
      if (base === undefined) throw new ReplyError('ERR value is not an integer or out of range');
      const next = base + mutation.delta;
      if (next < INT64_MIN || next > INT64_MAX) throw new ReplyError('ERR increment or decrement would overflow');
      // INCR keeps the key's TTL, as in Redis.
      return put(Buffer.from(next.toString()), existing?.expiresAtMs ?? 0, { kind: 'integer', value: next });
    }
    case 'append': {
      const data = existing ? Buffer.concat([existing.data, mutation.suffix]) : mutation.suffix;
      checkValueSize(data.length, limits);
      return put(data, existing?.expiresAtMs ?? 0, { kind: 'integer', value: BigInt(data.length) });
    }
    case 'expire': {
      if (!existing || !expiryAllowed(mutation.condition, existing.expiresAtMs, mutation.expiresAtMs)) return { result: RESULT_ZERO };
      // A deadline already past deletes the key, as in Redis.
      if (mutation.expiresAtMs <= nowMs) return { write: TOMBSTONE, context: 'current', result: RESULT_ONE };
      return put(existing.data, mutation.expiresAtMs, RESULT_ONE);
    }
    case 'persist':
      if (!existing || existing.expiresAtMs === 0) return { result: RESULT_ZERO };
      return put(existing.data, 0, RESULT_ONE);
    case 'vset':
      return { write: { data: mutation.value, tombstone: false, expiresAtMs: mutation.expiresAtMs }, context: mutation.context, result: RESULT_OK };
    case 'vdel':
      return { write: TOMBSTONE, context: mutation.context, result: RESULT_OK };
  }
}

/** Whether EXPIRE's condition lets a key with `currentMs` (0 = persistent) take `nextMs`. Redis treats "no TTL" as infinite for GT/LT. */
function expiryAllowed(condition: 'NX' | 'XX' | 'GT' | 'LT' | undefined, currentMs: number, nextMs: number): boolean {
  switch (condition) {
    case 'NX':
      return currentMs === 0;
    case 'XX':
      return currentMs !== 0;
    case 'GT':
      return currentMs !== 0 && nextMs > currentMs;
    case 'LT':
      return currentMs === 0 || nextMs < currentMs;
    default:
      return true;
  }
}
