import { NewVersion } from '../coordinator/coordinator';
import { ReplyError } from '../lib/errors';
import { DvvSet, Version, siblings } from '../versioning/dvvset';
import { isLive, pickWinner } from '../versioning/lww';
import type { CommandContext } from './context';

/**
 * How plain Redis commands see a versioned key: the last-writer-wins pick among its siblings,
 * and nothing at all if that pick is a tombstone or has expired (SPEC section 2, GET).
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

export function putVersion(data: Buffer, expiresAtMs = 0): NewVersion {
  return { data, tombstone: false, expiresAtMs };
}

export const TOMBSTONE: NewVersion = { data: Buffer.alloc(0), tombstone: true, expiresAtMs: 0 };

/** Refuse values over --max-value-bytes with the SPEC's error. */
export function checkValueSize(ctx: CommandContext, bytes: number): void {
  const max = ctx.node.config.maxValueBytes;
  if (bytes > max) throw new ReplyError(`ERR value too large (${bytes} bytes, max-value-bytes is ${max})`);
}
