/**
 * FLUSHALL across a cluster, as data: every version carries the flush generation it was written
 * in, and a node that knows generation G keeps no version older than G, wherever it comes from
 * (its own disk, a replica that missed the flush, a hint, anti-entropy, a transfer). So a flush
 * cannot be undone by a node that missed it: the old versions are dropped on arrival.
 *
 * Why dropping versions after a DVV sync is safe: a node renews its DVV actor when it adopts a
 * generation (cluster-coordinator), so no actor ever issues dots in two generations, and a dot of
 * an old generation never covers (supersedes) a dot of a newer one.
 *
 * Pure: no I/O.
 */
import { EMPTY_DVVSET, type ClockEntry, type DvvSet } from './dvvset';

export function generationOf(version: { readonly flushGeneration?: number }): number {
  return version.flushGeneration ?? 0;
}

/** `set` without the versions written before `generation`; `set` itself when nothing is older. */
export function dropFlushed(set: DvvSet, generation: number): DvvSet {
  if (generation === 0) return set;
  let changed = false;
  const entries: ClockEntry[] = [];
  for (const entry of set.entries) {
    const kept = entry.versions.filter((version) => generationOf(version) >= generation);
    if (kept.length === entry.versions.length) {
      entries.push(entry);
      continue;
    }
    changed = true;
    // An entry left with no versions only remembers flushed events: its actor was renewed at the
    // flush and never writes again, so forgetting it loses nothing and leaves no empty record.
    if (kept.length > 0) entries.push({ ...entry, versions: kept });
  }
  if (!changed) return set;
  // Every write leaves a version (a delete leaves a tombstone), so a record with none left holds
  // nothing of the current generation: its remaining entries are flushed history too.
  return entries.some((entry) => entry.versions.length > 0) ? { entries } : EMPTY_DVVSET;
}

/** The newest generation any version of `set` was written in (0 for none). */
export function newestGeneration(set: DvvSet): number {
  let newest = 0;
  for (const entry of set.entries) for (const version of entry.versions) newest = Math.max(newest, generationOf(version));
  return newest;
}
