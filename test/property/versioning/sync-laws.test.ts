/**
 * sync is a join-semilattice merge: commutative, associative and idempotent, so replicas that
 * exchange records in any order, any number of times, converge to the same set.
 */
import fc from 'fast-check';
import { EMPTY_DVVSET, descends, equalSets, join, sync, type DvvSet } from '../../../src/versioning/dvvset';
import { anySetArb, reachableSetsArb } from './arbitraries';

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
});
