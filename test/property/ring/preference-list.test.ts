/**
 * preferenceList against a brute-force reading of its definition, on arbitrary owner arrays (not
 * only claimed rings: any ring the code might be handed) and arbitrary usability.
 */
import fc from 'fast-check';
import { preferenceList } from '../../../src/ring/preference-list';
import { claimPartitions } from '../../../src/ring/claim';

const NODES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

/** Distinct owners walking clockwise from `start`, computed the slow, obvious way. */
function bruteForceWalk(owners: readonly string[], start: number): string[] {
  const walk: string[] = [];
  for (let i = start; i < start + owners.length; i++) {
    const owner = owners[i % owners.length]!;
    if (!walk.includes(owner)) walk.push(owner);
  }
  return walk;
}

const caseArb = fc
  .record({
    owners: fc.array(fc.constantFrom(...NODES), { minLength: 1, maxLength: 40 }),
    n: fc.integer({ min: 1, max: 8 }),
    usable: fc.subarray(NODES),
  })
  .chain(({ owners, n, usable }) =>
    fc.record({
      owners: fc.constant(owners),
      n: fc.constant(n),
      usable: fc.constant(new Set(usable)),
      partition: fc.nat(owners.length - 1),
    }),
  );

function checkAgainstModel(owners: readonly string[], partition: number, n: number, usable: ReadonlySet<string>): void {
  const list = preferenceList(owners, partition, n, (node) => usable.has(node));
  const walk = bruteForceWalk(owners, partition);
  const primaries = walk.slice(0, n);
  const fallbacks = walk.slice(n);

  expect(list.primaries.map((e) => e.node)).toEqual(primaries);
  expect(list.fallbacks.map((e) => e.node)).toEqual(fallbacks);
  expect(list.primaries.every((e) => e.role === 'primary' && e.standsInFor === undefined)).toBe(true);
  expect(list.fallbacks.every((e) => e.role === 'fallback' && e.standsInFor === undefined)).toBe(true);

  // Targets: distinct, usable; the usable primaries first in walk order; then stand-ins.
  const targetNodes = list.targets.map((e) => e.node);
  expect(new Set(targetNodes).size).toBe(targetNodes.length);
  expect(targetNodes.every((node) => usable.has(node))).toBe(true);
  const usablePrimaries = primaries.filter((node) => usable.has(node));
  const downPrimaries = primaries.filter((node) => !usable.has(node));
  const usableFallbacks = fallbacks.filter((node) => usable.has(node));
  const standIns = Math.min(downPrimaries.length, usableFallbacks.length);
  expect(list.targets).toEqual([
    ...usablePrimaries.map((node) => ({ node, role: 'primary' })),
    ...usableFallbacks.slice(0, standIns).map((node, i) => ({ node, role: 'fallback', standsInFor: downPrimaries[i] })),
  ]);
  expect(list.targets.length).toBe(Math.min(primaries.length, usablePrimaries.length + usableFallbacks.length));
}

describe('preferenceList (property)', () => {
  it('matches a brute-force walk on arbitrary rings and usability', () => {
    fc.assert(
      fc.property(caseArb, ({ owners, partition, n, usable }) => checkAgainstModel(owners, partition, n, usable)),
      { numRuns: 2000 },
    );
  });

  it('matches a brute-force walk on claimed rings', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(8, 16, 64),
        fc.nat(),
        fc.integer({ min: 1, max: 5 }),
        fc.func(fc.boolean()),
        (members, q, pick, n, isUsable) => {
          const owners = claimPartitions(members, q);
          const usable = new Set(members.filter((member) => isUsable(member)));
          checkAgainstModel(owners, pick % q, n, usable);
        },
      ),
      { numRuns: 300 },
    );
  });
});
