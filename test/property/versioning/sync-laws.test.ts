/**
 * sync is a join-semilattice merge: commutative, associative and idempotent, so replicas that
 * exchange records in any order, any number of times, converge to the same set.
 */
import fc from 'fast-check';
import { EMPTY_DVVSET, descends, equalSets, join, sync, update, type DvvSet } from '../../../src/versioning/dvvset';
import { ACTORS, anySetArb, reachableSetsArb, versionArb } from './arbitraries';

/** Three sets: sometimes reachable replicas of one run, sometimes arbitrary valid sets. */
const tripleArb: fc.Arbitrary<[DvvSet, DvvSet, DvvSet]> = fc.oneof(
  fc.tuple(anySetArb, anySetArb, anySetArb),
  reachableSetsArb.map((sets) => [sets[0], sets[1], sets[2]] as [DvvSet, DvvSet, DvvSet]),
);

describe('sync laws', () => {
  it('is commutative', () => {
    fc.assert(fc.property(tripleArb, ([a, b]) => equalSets(sync(a, b), sync(b, a))), { numRuns: 500 });
  });

  it('is associative', () => {
    fc.assert(
      fc.property(tripleArb, ([a, b, c]) => equalSets(sync(sync(a, b), c), sync(a, sync(b, c)))),
      { numRuns: 500 },
    );
  });

  it('is idempotent, with the empty set as identity', () => {
    fc.assert(
      fc.property(tripleArb, ([a, b]) => {
        const ab = sync(a, b);
        return (
          equalSets(sync(a, { entries: [...a.entries] }), a) &&
          equalSets(sync(ab, a), ab) &&
          equalSets(sync(ab, b), ab) &&
          equalSets(sync(a, EMPTY_DVVSET), a)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('knows exactly the union of what both sides know', () => {
    fc.assert(
      fc.property(tripleArb, ([a, b]) => {
        const merged = join(sync(a, b));
        return descends(merged, join(a)) && descends(merged, join(b)) && [...merged].every(
          ([actor, counter]) => counter === Math.max(join(a).get(actor) ?? 0, join(b).get(actor) ?? 0),
        );
      }),
      { numRuns: 300 },
    );
  });

  // ClusterCoordinator writes update()'s result to its own replica without merging it into the
  // replica's copy again: it relies on this.
  it('update(s, ...) already holds all of s: merging s back in changes nothing', () => {
    const contextArb = fc.oneof(
      fc.constant('join' as const),
      fc.dictionary(fc.constantFrom(...ACTORS), fc.integer({ min: 0, max: 8 })).map((entries) => new Map(Object.entries(entries))),
    );
    fc.assert(
      fc.property(anySetArb, contextArb, fc.constantFrom(...ACTORS), versionArb, fc.integer({ min: 0, max: 5 }), (s, contextChoice, actor, version, nowMs) => {
        const context = contextChoice === 'join' ? join(s) : contextChoice;
        const next = update(s, context, actor, version, nowMs);
        return equalSets(sync(s, next), next);
      }),
      { numRuns: 2000 },
    );
  });
});
