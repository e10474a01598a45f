/**
 * Keeps a key's clock bounded. Dynamo (DeCandia et al. 2007, section 4.4) truncates a vector
 * clock past a threshold of (node, counter) pairs, dropping the oldest by timestamp; we do the
 * same on a DVVSet, but only with entries that hold no versions and that no actor touched
 * within `entryAgeMinMs`, and never the entries of `keepActors`.
 *
 * The trade-off. An entry that holds no versions only remembers "actor's events 1..counter were
 * seen (and superseded)". Forgetting it cannot drop a version here (none is held) and cannot
 * change which versions a later write supersedes (that depends on held dots only). What it can
 * do is let a version the entry had superseded come back: a replica still holding that stale
 * version will no longer see it as superseded when it syncs with us, so it reappears as a false
 * sibling. The age floor makes that unlikely (replicas, hints and anti-entropy have long
 * converged on a write older than it) and keeps causality exact for every recent writer.
 *
 * The one way forgetting could lose a write: an actor whose own entry was dropped would mint a
 * dot it already used. Only the nodes that coordinate writes mint dots, so the caller passes
 * the key's current coordinators (its preference list) as `keepActors`. It must be the same on
 * every replica, or replicas would prune differently and anti-entropy would churn.
 *
 * Pure and deterministic: the same set, limits and nowMs always prune the same entries.
 */
import type { ClockEntry, DvvSet } from './dvvset';
import { compareActors } from './dvvset';

export interface PruneLimits {
  /** Prune only when the set has more entries than this. */
  readonly entriesMax: number;
  /** Never drop an entry whose actor's latest event is younger than this. */
  readonly entryAgeMinMs: number;
}

/** Dynamo's example threshold: a key written through N=3 nodes rarely gets near it. */
export const DEFAULT_PRUNE_ENTRIES_MAX = 10;
/** One day: far longer than hinted handoff and an anti-entropy round take to converge a write. */
export const DEFAULT_PRUNE_ENTRY_AGE_MIN_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_PRUNE_LIMITS: PruneLimits = Object.freeze({
  entriesMax: DEFAULT_PRUNE_ENTRIES_MAX,
  entryAgeMinMs: DEFAULT_PRUNE_ENTRY_AGE_MIN_MS,
});

const NO_ACTORS: ReadonlySet<string> = new Set();

export function prune(
  set: DvvSet,
  limits: PruneLimits,
  nowMs: number,
  keepActors: ReadonlySet<string> = NO_ACTORS,
): DvvSet {
  const excess = set.entries.length - limits.entriesMax;
  if (excess <= 0) return set;
  const droppable = set.entries.filter(
    (entry) =>
      entry.versions.length === 0 &&
      nowMs - entry.updatedMs >= limits.entryAgeMinMs &&
      !keepActors.has(entry.actor),
  );
  if (droppable.length === 0) return set;
  droppable.sort(oldestFirst);
  const dropped = new Set(droppable.slice(0, excess));
  return { entries: set.entries.filter((entry) => !dropped.has(entry)) };
}

/** Oldest updatedMs first; ties by actor so every replica drops the same entries. */
function oldestFirst(a: ClockEntry, b: ClockEntry): number {
  if (a.updatedMs !== b.updatedMs) return a.updatedMs - b.updatedMs;
  return compareActors(a.actor, b.actor);
}
