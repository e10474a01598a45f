import { DvvSet, VersionVector, siblings } from '../versioning/dvvset';

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
  const candidate = new Map(written);
  candidate.set(actor, Math.max(written.get(actor) ?? 0, entry.counter));
  for (const { dot } of siblings(next)) {
    if (dot.actor === actor && dot.counter === entry.counter) continue; // the new version itself
    const coveredBefore = dot.counter <= (written.get(dot.actor) ?? 0);
    const coveredAfter = dot.counter <= (candidate.get(dot.actor) ?? 0);
    if (coveredAfter && !coveredBefore) return written;
  }
  return candidate;
}

/** The newest timestamp among the versions `context` supersedes: a new version must be later. */
export function supersededTimestampMaxMs(current: DvvSet, context: VersionVector): number {
  let maxMs = 0;
  for (const { dot, version } of siblings(current)) {
    if (dot.counter <= (context.get(dot.actor) ?? 0)) maxMs = Math.max(maxMs, version.timestampMs);
  }
  return maxMs;
}
