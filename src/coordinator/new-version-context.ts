import { DvvSet, VersionVector } from '../versioning/dvvset';

/**
 * The context returned to a client after its write. Ideally it is the context it wrote with plus its
 * own new dot, so its next write supersedes exactly what it has seen. A version vector cannot say
 * "saw (A,5) but not (A,4)", though: if another client's sibling from the same coordinator would be
 * covered by adding the new dot, we return the client's own context instead. Its next write then
 * keeps its previous version as a sibling (a conflict it can resolve), never silently drops a
 * version it never saw.
 */
export function contextAfterWrite(written: VersionVector, next: DvvSet, actor: string): VersionVector {
  const entry = next.entries.find((e) => e.actor === actor);
  if (!entry) return written;
  const ownCounter = Math.max(written.get(actor) ?? 0, entry.counter);
  // Only dots of `actor` can change coverage: the candidate differs from `written` there alone.
  const coveredBefore = written.get(actor) ?? 0;
  // versions[i] carries the dot (actor, counter - i); i = 0 is the new version itself.
  for (let i = 1; i < entry.versions.length; i++) {
    const counter = entry.counter - i;
    if (counter <= ownCounter && counter > coveredBefore) return written;
  }
  const candidate = new Map(written);
  candidate.set(actor, ownCounter);
  return candidate;
}

/** The newest timestamp among the versions `context` supersedes: a new version must be later. */
export function supersededTimestampMaxMs(current: DvvSet, context: VersionVector): number {
  let maxMs = 0;
  for (const entry of current.entries) {
    const seen = context.get(entry.actor) ?? 0;
    // versions[i] carries the dot (actor, counter - i).
    for (let i = 0; i < entry.versions.length; i++) {
      if (entry.counter - i <= seen) maxMs = Math.max(maxMs, entry.versions[i].timestampMs);
    }
  }
  return maxMs;
}
