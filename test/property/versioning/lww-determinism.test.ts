/**
 * Plain GET must answer the same on every replica: the LWW pick depends only on the sibling
 * set, not on the order siblings are listed in nor on the order replicas were synced in.
 */
import fc from 'fast-check';
import { sync, siblings, type DvvSet } from '../../../src/versioning/dvvset';
import { compareForLww, pickWinner } from '../../../src/versioning/lww';
import { reachableSetsArb } from './arbitraries';

const dotOf = (set: DvvSet) => {
  const winner = pickWinner(siblings(set));
  return winner === undefined ? 'none' : `${winner.dot.actor}:${winner.dot.counter}`;
};

describe('last-writer-wins pick', () => {
  it('does not depend on sibling order and beats every other sibling', () => {
    const arb = reachableSetsArb.chain((sets) => {
      const all = siblings(sets.reduce((a, b) => sync(a, b)));
      return fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));
    });
    fc.assert(
      fc.property(arb, ([ordered, shuffled]) => {
        const winner = pickWinner(ordered);
        expect(pickWinner(shuffled)).toBe(winner);
        for (const other of ordered) if (other !== winner && winner) expect(compareForLww(winner, other)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order replicas are synced in', () => {
    const arb = reachableSetsArb.chain((sets) =>
      fc.tuple(fc.constant(sets), fc.shuffledSubarray(sets, { minLength: sets.length, maxLength: sets.length })),
    );
    fc.assert(
      fc.property(arb, ([sets, shuffled]) => {
        const leftFold = sets.reduce((a, b) => sync(a, b));
        const rightFold = shuffled.reduceRight((a, b) => sync(b, a));
        expect(dotOf(rightFold)).toBe(dotOf(leftFold));
      }),
      { numRuns: 300 },
    );
  });
});
