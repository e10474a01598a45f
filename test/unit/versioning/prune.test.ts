import { siblings, sync, update, type ClockEntry, type DvvSet, type Version } from '../../../src/versioning/dvvset';
import {
  DEFAULT_PRUNE_ENTRIES_MAX,
  DEFAULT_PRUNE_ENTRY_AGE_MIN_MS,
  DEFAULT_PRUNE_LIMITS,
  prune,
} from '../../../src/versioning/prune';

const DAY_MS = 86_400_000;
const NOW_MS = 100 * DAY_MS;
const VALUE: Version = { data: Buffer.from('v'), tombstone: false, timestampMs: 1, expiresAtMs: 0 };

function entry(actor: string, updatedMs: number, held = 0): ClockEntry {
  return { actor, counter: 5, versions: Array.from({ length: held }, () => VALUE), updatedMs };
}

const actorsOf = (set: DvvSet) => set.entries.map((e) => e.actor);

describe('prune', () => {
  const limits = { entriesMax: 3, entryAgeMinMs: DAY_MS };

  it('exports its defaults', () => {
    expect(DEFAULT_PRUNE_LIMITS).toEqual({
      entriesMax: DEFAULT_PRUNE_ENTRIES_MAX,
      entryAgeMinMs: DEFAULT_PRUNE_ENTRY_AGE_MIN_MS,
    });
    expect(DEFAULT_PRUNE_ENTRIES_MAX).toBe(10);
    expect(DEFAULT_PRUNE_ENTRY_AGE_MIN_MS).toBe(DAY_MS);
  });

  it('does nothing at or under the entry limit, however old', () => {
    const set: DvvSet = { entries: [entry('a', 0), entry('b', 0), entry('c', 0)] };
    expect(prune(set, limits, NOW_MS)).toBe(set);
  });

  it('drops version-less entries oldest first, down to the limit', () => {
    const set: DvvSet = {
      entries: [entry('a', 30 * DAY_MS), entry('b', 10 * DAY_MS), entry('c', 20 * DAY_MS), entry('d', 40 * DAY_MS), entry('e', 50 * DAY_MS)],
    };
    expect(actorsOf(prune(set, limits, NOW_MS))).toEqual(['a', 'd', 'e']);
  });

  it('breaks updatedMs ties by actor', () => {
    const set: DvvSet = { entries: [entry('a', DAY_MS), entry('b', DAY_MS), entry('c', DAY_MS), entry('d', DAY_MS)] };
    expect(actorsOf(prune(set, limits, NOW_MS))).toEqual(['b', 'c', 'd']);
  });

  it('never drops an entry holding versions, a recent one, or one of keepActors', () => {
    const set: DvvSet = {
      entries: [
        entry('held', 0, 1),
        entry('recent', NOW_MS - DAY_MS + 1),
        entry('edge', NOW_MS - DAY_MS),
        entry('kept', 0),
        entry('old', 1),
      ],
    };
    expect(actorsOf(prune(set, limits, NOW_MS, new Set(['kept'])))).toEqual(['held', 'recent', 'kept']);
    // Nothing droppable: the set stays over the limit rather than lose causality.
    const stuck: DvvSet = { entries: [entry('a', 0, 1), entry('b', NOW_MS), entry('c', 0, 2), entry('d', NOW_MS)] };
    expect(prune(stuck, limits, NOW_MS)).toBe(stuck);
  });

  it('must keep the writing actors: forgetting a writer would make it reuse a dot and lose a write', () => {
    const old: DvvSet = {
      entries: [entry('a', DAY_MS), entry('b', DAY_MS), entry('c', DAY_MS), entry('d', 0, 1), entry('x', 0)],
    };
    const write = { data: Buffer.from('new'), tombstone: false, timestampMs: NOW_MS, expiresAtMs: 0 };
    const values = (set: DvvSet) => siblings(set).map((s) => s.version.data.toString()).sort();

    // Unsafe: x's entry (counter 5) is forgotten, x mints (x, 1) again, and a replica that still
    // knows x:5 treats the new write as already seen and superseded.
    const forgot = update(prune(old, limits, NOW_MS), new Map(), 'x', write, NOW_MS);
    expect(siblings(forgot).find((s) => s.version === write)?.dot).toEqual({ actor: 'x', counter: 1 });
    expect(values(sync(old, forgot))).toEqual(['v']);

    // Safe: with x kept, its next dot is (x, 6) and the write survives every merge.
    const kept = update(prune(old, limits, NOW_MS, new Set(['x'])), new Map(), 'x', write, NOW_MS);
    expect(siblings(kept).find((s) => s.version === write)?.dot).toEqual({ actor: 'x', counter: 6 });
    expect(values(sync(old, kept))).toEqual(['new', 'v']);
  });
});
