/**
 * mergeTables is a join (semilattice): commutative, associative, idempotent, so gossip converges
 * whatever order and however often tables meet. Also: merging never invents an entry, and never
 * moves a node backwards in the order the rules define.
 */
import fc from 'fast-check';
import { EMPTY_TABLE, compareEntries, mergeTables, tableOf, type MemberEntry, type MemberTable } from '../../../src/membership/member-table';
import { entryArb, tableArb } from './arbitraries';

/** Tables as comparable values: Map equality must not depend on insertion order. */
function canonical(table: MemberTable): unknown[] {
  return [...table.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('mergeTables (property)', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        expect(canonical(mergeTables(a, b))).toEqual(canonical(mergeTables(b, a)));
      }),
      { numRuns: 1000 },
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(tableArb, tableArb, tableArb, (a, b, c) => {
        expect(canonical(mergeTables(mergeTables(a, b), c))).toEqual(canonical(mergeTables(a, mergeTables(b, c))));
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent, and merging what is already known changes nothing', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        expect(canonical(mergeTables(a, a))).toEqual(canonical(a));
        const ab = mergeTables(a, b);
        expect(canonical(mergeTables(ab, b))).toEqual(canonical(ab));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every node, picks one of the given entries, and never goes backwards', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        const merged = mergeTables(a, b);
        expect(new Set(merged.keys())).toEqual(new Set([...a.keys(), ...b.keys()]));
        for (const [nodeId, entry] of merged) {
          const candidates = [a.get(nodeId), b.get(nodeId)].filter((e) => e !== undefined);
          expect(candidates).toContain(entry);
          for (const candidate of candidates) expect(compareEntries(entry, candidate)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same table whatever order gossip delivers the entries in', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 12 }).chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })),
        ),
        ([entries, shuffled]) => {
          const oneByOne = (list: readonly MemberEntry[]) =>
            list.reduce((table, entry) => mergeTables(table, tableOf([entry])), EMPTY_TABLE);
          expect(canonical(oneByOne(shuffled))).toEqual(canonical(oneByOne(entries)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
