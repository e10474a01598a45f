/**
 * SPEC 3.4: sequential writes through contexts never create false siblings. One client writes
 * through any replica with the context of its previous write while replicas sync at random;
 * no replica ever holds more than one version. And a write with the join of the stored set
 * always leaves exactly one.
 */
import fc from 'fast-check';
import { EMPTY_DVVSET, join, siblingCount, siblings, sync, update, type DvvSet } from '../../../src/versioning/dvvset';
import { ACTORS, REPLICAS, WRITERS, anySetArb, reachableSetsArb, versionArb } from './arbitraries';

type Move = { kind: 'write'; replica: number } | { kind: 'sync'; from: number; to: number };

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), replica: fc.nat(REPLICAS - 1) }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(REPLICAS - 1), to: fc.nat(REPLICAS - 1) }),
);

describe('a sequential writer', () => {
  it('never creates siblings when it always writes with its latest context', () => {
    fc.assert(
      fc.property(fc.array(moveArb, { maxLength: 60 }), versionArb, (moves, version) => {
        const replicas: DvvSet[] = Array.from({ length: REPLICAS }, () => EMPTY_DVVSET);
        let context = new Map<string, number>() as ReadonlyMap<string, number>;
        let written = 0;
        moves.forEach((move, step) => {
          if (move.kind === 'sync') {
            replicas[move.to] = sync(replicas[move.to], replicas[move.from]);
          } else {
            const data = Buffer.from(`w${++written}`);
            const next = update(replicas[move.replica], context, WRITERS[move.replica], { ...version, data }, step);
            replicas[move.replica] = next;
            context = join(next);
            expect(siblings(next).map((s) => s.version.data.toString())).toEqual([`w${written}`]);
          }
          for (const set of replicas) expect(siblingCount(set)).toBeLessThanOrEqual(1);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('leaves exactly one sibling after a write with join(stored), whatever was stored', () => {
    const storedArb = fc.oneof(anySetArb, reachableSetsArb.map((sets) => sets[0]));
    fc.assert(
      fc.property(storedArb, fc.constantFrom(...ACTORS), versionArb, (stored, actor, version) => {
        const next = update(stored, join(stored), actor, version, 0);
        const only = siblings(next);
        return (
          only.length === 1 &&
          only[0].version === version &&
          only[0].dot.actor === actor &&
          only[0].dot.counter === (join(stored).get(actor) ?? 0) + 1
        );
      }),
      { numRuns: 500 },
    );
  });
});
