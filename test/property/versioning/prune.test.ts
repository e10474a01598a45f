/**
 * Pruning keeps causality for recent writers and never loses a version: it only forgets
 * version-less entries older than entryAgeMinMs, and the only later effect of forgetting is a
 * possible false sibling.
 */
import fc from 'fast-check';
import {
  descends,
  join,
  siblings,
  sync,
  update,
  type DvvSet,
  type Sibling,
} from '../../../src/versioning/dvvset';
import { prune, type PruneLimits } from '../../../src/versioning/prune';
import { ACTORS, anySetArb, reachableSetsArb, versionArb } from './arbitraries';

interface Case {
  readonly set: DvvSet;
  readonly other: DvvSet;
  readonly limits: PruneLimits;
  readonly nowMs: number;
}

/** Small-clock sets (updatedMs 0..3) and reachable ones (updatedMs 0..1000), each with a peer. */
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.record({
    set: anySetArb,
    other: anySetArb,
    limits: fc.record({ entriesMax: fc.nat(5), entryAgeMinMs: fc.nat(4) }),
    nowMs: fc.nat(8),
  }),
  fc.record({
    sets: reachableSetsArb,
    limits: fc.record({ entriesMax: fc.nat(4), entryAgeMinMs: fc.nat(1200) }),
    nowMs: fc.nat(2000),
  }).map(({ sets, limits, nowMs }) => ({ set: sets[0], other: sets[1], limits, nowMs })),
);

const isRecent = (updatedMs: number, { limits, nowMs }: Case) => nowMs - updatedMs < limits.entryAgeMinMs;
const keyOf = (s: Sibling) => `${s.dot.actor}:${s.dot.counter}`;

describe('prune', () => {
  it('drops only old, version-less entries, oldest first, and only down to the limit', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const pruned = prune(c.set, c.limits, c.nowMs);
        const kept = new Set(pruned.entries);
        const dropped = c.set.entries.filter((e) => !kept.has(e));
        for (const entry of c.set.entries) {
          if (entry.versions.length > 0 || isRecent(entry.updatedMs, c)) expect(kept.has(entry)).toBe(true);
        }
        expect(pruned.entries).toEqual(c.set.entries.filter((e) => kept.has(e))); // order kept
        if (dropped.length > 0) expect(pruned.entries.length).toBe(Math.max(c.limits.entriesMax, c.set.entries.length - dropped.length));
        if (c.set.entries.length <= c.limits.entriesMax) expect(pruned).toBe(c.set);
        const stillDroppable = pruned.entries.filter((e) => e.versions.length === 0 && !isRecent(e.updatedMs, c));
        if (pruned.entries.length > c.limits.entriesMax) expect(stillDroppable).toEqual([]);
        for (const gone of dropped) for (const stay of stillDroppable) expect(gone.updatedMs).toBeLessThanOrEqual(stay.updatedMs);
        expect(siblings(pruned)).toEqual(siblings(c.set));
        expect(prune(pruned, c.limits, c.nowMs)).toBe(pruned);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps descends() unchanged for any context of a recent writer', () => {
    const arb = caseArb.chain((c) => {
      const recentActors = ACTORS.filter((actor) => {
        const entry = c.set.entries.find((e) => e.actor === actor);
        return entry === undefined || entry.versions.length > 0 || isRecent(entry.updatedMs, c);
      });
      const contextArb = fc
        .subarray(recentActors)
        .chain((actors) => fc.tuple(...actors.map((actor) => fc.tuple(fc.constant(actor), fc.nat(8)))))
        .map((pairs) => new Map(pairs));
      return fc.tuple(fc.constant(c), contextArb);
    });
    fc.assert(
      fc.property(arb, ([c, context]) => {
        const before = join(c.set);
        const after = join(prune(c.set, c.limits, c.nowMs));
        expect(descends(after, context)).toBe(descends(before, context));
        // The other way can only become true: forgetting never makes the set know more.
        if (descends(context, before)) expect(descends(context, after)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never changes what a later write supersedes, when the writer is kept', () => {
    const arb = fc.tuple(caseArb, fc.constantFrom(...ACTORS), versionArb, fc.dictionary(fc.constantFrom(...ACTORS), fc.nat(8)));
    fc.assert(
      fc.property(arb, ([c, actor, version, context]) => {
        const vector = new Map(Object.entries(context));
        const pruned = prune(c.set, c.limits, c.nowMs, new Set([actor]));
        const fromFull = siblings(update(c.set, vector, actor, version, c.nowMs)).map(keyOf);
        const fromPruned = siblings(update(pruned, vector, actor, version, c.nowMs)).map(keyOf);
        expect(fromPruned).toEqual(fromFull);
      }),
      { numRuns: 500 },
    );
  });

  it('can only add (false) siblings when syncing later, never lose one', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const pruned = prune(c.set, c.limits, c.nowMs);
        for (const [left, right] of [[c.set, c.other], [c.other, c.set]] as const) {
          const full = siblings(sync(left, right));
          const leftPruned = left === c.set ? pruned : left;
          const rightPruned = right === c.set ? pruned : right;
          const afterPrune = new Map(siblings(sync(leftPruned, rightPruned)).map((s) => [keyOf(s), s.version]));
          for (const s of full) expect(afterPrune.get(keyOf(s))).toBe(s.version);
        }
      }),
      { numRuns: 500 },
    );
  });
});
