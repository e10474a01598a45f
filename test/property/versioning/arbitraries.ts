/**
 * Shared generators for the versioning properties: structurally valid DVVSets (any contents,
 * even ones no real cluster could reach), and reachable ones produced by replaying random
 * writes and syncs on a few replicas as a cluster would.
 */
import fc from 'fast-check';
import {
  EMPTY_DVVSET,
  join,
  sync,
  update,
  type ClockEntry,
  type DvvSet,
  type Version,
  type VersionVector,
} from '../../../src/versioning/dvvset';

/** Includes characters whose UTF-16 and UTF-8 orders differ, to exercise actor sorting. */
export const ACTORS = ['a', 'b', 'n1', '\uFFFD', '\u{1F600}'] as const;

export const versionArb: fc.Arbitrary<Version> = fc.record({
  data: fc.constantFrom('', 'x', 'y', 'zz').map((text) => Buffer.from(text)),
  tombstone: fc.boolean(),
  timestampMs: fc.integer({ min: 0, max: 4 }),
  expiresAtMs: fc.constantFrom(0, 3),
});

const entryArb = (actor: string): fc.Arbitrary<ClockEntry> =>
  fc
    .record({ counter: fc.integer({ min: 1, max: 6 }), held: fc.integer({ min: 0, max: 3 }), updatedMs: fc.integer({ min: 0, max: 3 }) })
    .chain(({ counter, held, updatedMs }) =>
      fc.array(versionArb, { minLength: Math.min(held, counter), maxLength: Math.min(held, counter) }).map(
        (versions): ClockEntry => ({ actor, counter, versions, updatedMs }),
      ),
    );

/** Any set satisfying the invariants: sorted unique actors, 1 <= counter, versions <= counter. */
export const anySetArb: fc.Arbitrary<DvvSet> = fc.subarray([...ACTORS].sort(compareByBytes)).chain((actors) =>
  fc.tuple(...actors.map(entryArb)).map((entries): DvvSet => ({ entries })),
);

function compareByBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** One step of a small cluster where replica i writes as actor WRITERS[i]. */
export type Step =
  | { readonly kind: 'write'; readonly replica: number; readonly read: number | null; readonly version: Version; readonly nowMs: number }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number }
  | { readonly kind: 'read'; readonly replica: number };

export const REPLICAS = 3;
/** Replica i writes as WRITERS[i]: two of them sort differently in UTF-16 and UTF-8. */
export const WRITERS: readonly string[] = ['\u{1F600}', 'a', '\uFFFD'];

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    replica: fc.nat(REPLICAS - 1),
    read: fc.option(fc.nat(50), { nil: null }),
    version: versionArb,
    nowMs: fc.integer({ min: 0, max: 1000 }),
  }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(REPLICAS - 1), to: fc.nat(REPLICAS - 1) }),
  fc.record({ kind: fc.constant('read' as const), replica: fc.nat(REPLICAS - 1) }),
);

/** Replays steps on DVVSets only; returns every replica's final set and every read taken. */
export function replay(steps: readonly Step[]): { replicas: DvvSet[]; reads: VersionVector[] } {
  const replicas: DvvSet[] = Array.from({ length: REPLICAS }, () => EMPTY_DVVSET);
  const reads: VersionVector[] = [];
  for (const step of steps) {
    if (step.kind === 'read') reads.push(join(replicas[step.replica]));
    else if (step.kind === 'sync') replicas[step.to] = sync(replicas[step.to], replicas[step.from]);
    else {
      const context = step.read === null || reads.length === 0 ? new Map() : reads[step.read % reads.length];
      replicas[step.replica] = update(replicas[step.replica], context, WRITERS[step.replica], step.version, step.nowMs);
    }
  }
  return { replicas, reads };
}

/** Sets a cluster can actually reach: the replicas after a random run. */
export const reachableSetsArb: fc.Arbitrary<DvvSet[]> = fc
  .array(stepArb, { minLength: 10, maxLength: 40 })
  .map((steps) => replay(steps).replicas);
