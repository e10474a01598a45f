import { DvvSet, makeVersion, siblings } from '../versioning/dvvset';

/**
 * When a record next needs the sweeper's attention, and whether it is dead for good.
 * Pure: these decide; LocalReplica acts.
 */

/** A record counts as a key (DBSIZE) while it holds a sibling that is not a tombstone. */
export function countsAsKey(set: DvvSet): boolean {
  for (const entry of set.entries) {
    for (const version of entry.versions) if (!version.tombstone) return true;
  }
  return false;
}

/**
 * The earliest time at which the record changes by itself, or 0 if it never does without a write:
 * either a value expires (it must turn into a tombstone), or every sibling is dead and past grace
 * (the record may be reaped). A live value without expiry keeps the record forever, so then only
 * expiries are due.
 */
export function nextDueMs(set: DvvSet, tombstoneGraceMs: number): number {
  let earliestExpiryMs = 0;
  let reapAtMs = 0;
  let everySiblingDies = true;
  // Indexed loops, no siblings() list and no iterators: this runs twice on every write.
  for (let e = 0; e < set.entries.length; e++) for (let v = 0; v < set.entries[e].versions.length; v++) {
    const version = set.entries[e].versions[v];
    if (version.tombstone) reapAtMs = Math.max(reapAtMs, version.timestampMs + tombstoneGraceMs);
    else if (version.expiresAtMs !== 0) {
      if (earliestExpiryMs === 0 || version.expiresAtMs < earliestExpiryMs) earliestExpiryMs = version.expiresAtMs;
      reapAtMs = Math.max(reapAtMs, version.expiresAtMs + tombstoneGraceMs);
    } else everySiblingDies = false;
  }
  if (!everySiblingDies) return earliestExpiryMs;
  if (earliestExpiryMs === 0) return reapAtMs;
  return Math.min(earliestExpiryMs, reapAtMs);
}

/**
 * What the sweeper does with a record that is due at `nowMs`:
 * - 'reap': every sibling is dead (tombstone or expired) and past grace: remove the record;
 * - 'expire': some values expired; rewrite them as tombstones dated at their expiry, so that a
 *   replica holding the same record agrees and the deletion outranks nothing written after it;
 * - 'keep': nothing to do yet (only reschedule).
 */
export type SweepDecision = { kind: 'reap' } | { kind: 'expire'; next: DvvSet } | { kind: 'keep' };

export function sweepDecision(set: DvvSet, nowMs: number, tombstoneGraceMs: number): SweepDecision {
  if (isReapable(set, nowMs, tombstoneGraceMs)) return { kind: 'reap' };
  let expired = false;
  for (const { version } of siblings(set)) {
    if (!version.tombstone && version.expiresAtMs !== 0 && version.expiresAtMs <= nowMs) expired = true;
  }
  if (!expired) return { kind: 'keep' };
  const entries = set.entries.map((entry) => ({
    ...entry,
    versions: entry.versions.map((version) =>
      !version.tombstone && version.expiresAtMs !== 0 && version.expiresAtMs <= nowMs
        ? // The tombstone stays in the value's FLUSHALL generation.
          makeVersion({ data: Buffer.alloc(0), tombstone: true, timestampMs: version.expiresAtMs, expiresAtMs: 0, flushGeneration: version.flushGeneration })
        : version,
    ),
  }));
  return { kind: 'expire', next: { entries } };
}

/**
 * Whether the record is dead for good at `nowMs`: it exists, and every sibling is a tombstone or
 * an expired value that has been dead for at least the grace. Such a record may be reaped, and
 * anti-entropy never copies one to a replica that lacks the key (the reaper removes it once every
 * replica holds it; copying it back would undo that).
 */
export function isReapable(set: DvvSet, nowMs: number, tombstoneGraceMs: number): boolean {
  if (set.entries.length === 0) return false;
  for (const { version } of siblings(set)) {
    const isExpired = !version.tombstone && version.expiresAtMs !== 0 && version.expiresAtMs <= nowMs;
    const deadSinceMs = version.tombstone ? version.timestampMs : isExpired ? version.expiresAtMs : undefined;
    if (deadSinceMs === undefined || deadSinceMs + tombstoneGraceMs > nowMs) return false;
  }
  return true;
}
