/**
 * Last-writer-wins over siblings: what plain GET returns when a key has several concurrent
 * versions (SPEC section 2). Dynamo (DeCandia et al. 2007, section 4.4) leaves reconciliation to the
 * application; Redis clients cannot do that, so we pick deterministically instead.
 *
 * Order: the higher `timestampMs` wins (the coordinator's wall clock at the write). Equal
 * timestamps are broken by the dot: the greater actor in UTF-8 byte order wins, then the greater
 * counter. Every replica and every client therefore picks the same winner from the same sibling
 * set, whatever order the siblings arrive or were synced in. Tombstones take part like any
 * version (a winning tombstone reads as nil); expiry is judged by the caller with isLive.
 */
import { compareActors, type Dot, type Sibling, type Version } from './dvvset';

/** Negative if `a` loses to `b`, positive if it wins; 0 only for the same dot. */
export function compareDots(a: Dot, b: Dot): number {
  const byActor = compareActors(a.actor, b.actor);
  if (byActor !== 0) return byActor;
  return a.counter - b.counter;
}

export function compareForLww(a: Sibling, b: Sibling): number {
  if (a.version.timestampMs !== b.version.timestampMs) {
    return a.version.timestampMs < b.version.timestampMs ? -1 : 1;
  }
  return compareDots(a.dot, b.dot);
}

export function pickWinner(siblings: readonly Sibling[]): Sibling | undefined {
  let winner: Sibling | undefined;
  for (const sibling of siblings) {
    if (winner === undefined || compareForLww(sibling, winner) > 0) winner = sibling;
  }
  return winner;
}

/** Readable: neither deleted nor past its deadline (a deadline equal to now has passed, as in Redis). */
export function isLive(version: Version, nowMs: number): boolean {
  if (version.tombstone) return false;
  return version.expiresAtMs === 0 || version.expiresAtMs > nowMs;
}
