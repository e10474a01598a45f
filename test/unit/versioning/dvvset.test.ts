import {
  EMPTY_DVVSET,
  compareActors,
  descends,
  equalSets,
  equalVectors,
  join,
  siblingCount,
  siblings,
  sync,
  update,
  type DvvSet,
  type Version,
} from '../../../src/versioning/dvvset';

const NOW_MS = 1_700_000_000_000;

function version(text: string, timestampMs = NOW_MS): Version {
  return { data: Buffer.from(text), tombstone: false, timestampMs, expiresAtMs: 0 };
}

function vv(entries: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(entries));
}

/** The sibling values with their dots, e.g. ["a:2=v2", "b:1=v3"], in set order. */
function show(set: DvvSet): string[] {
  return siblings(set).map((s) => `${s.dot.actor}:${s.dot.counter}=${s.version.data.toString()}`);
}

function entry(actor: string, counter: number, texts: string[], updatedMs = NOW_MS) {
  return { actor, counter, versions: texts.map((t) => version(t)), updatedMs };
}

describe('update', () => {
  it('gives the first write the dot (actor, 1)', () => {
    const set = update(EMPTY_DVVSET, new Map(), 'a', version('v1'), NOW_MS);
    expect(show(set)).toEqual(['a:1=v1']);
    expect(join(set)).toEqual(vv({ a: 1 }));
    expect(set.entries[0].updatedMs).toBe(NOW_MS);
  });

  it('supersedes what the context covers and keeps the rest as siblings', () => {
    const a1 = update(EMPTY_DVVSET, new Map(), 'a', version('v1'), NOW_MS);
    const a2 = update(a1, join(a1), 'a', version('v2'), NOW_MS);
    expect(show(a2)).toEqual(['a:2=v2']);
    const b = update(a2, join(a2), 'b', version('v3'), NOW_MS);
    expect(show(b)).toEqual(['b:1=v3']);
    expect(join(b)).toEqual(vv({ a: 2, b: 1 }));
    // A context from before v2: v2 stays a sibling of the new write.
    const stale = update(a2, join(a1), 'b', version('v4'), NOW_MS);
    expect(show(stale)).toEqual(['a:2=v2', 'b:1=v4']);
    const sameActor = update(a2, join(a1), 'a', version('v5'), NOW_MS);
    expect(show(sameActor)).toEqual(['a:3=v5', 'a:2=v2']);
  });

  it('treats a write without context as concurrent with everything', () => {
    const a1 = update(EMPTY_DVVSET, new Map(), 'a', version('v1'), NOW_MS);
    const a2 = update(a1, new Map(), 'a', version('v2'), NOW_MS);
    expect(show(a2)).toEqual(['a:2=v2', 'a:1=v1']);
    expect(siblingCount(a2)).toBe(2);
  });

  it('mints above a context that knows more of the actor than the replica does', () => {
    const stored: DvvSet = { entries: [entry('a', 2, ['old'])] };
    const set = update(stored, vv({ a: 5, c: 3 }), 'a', version('new'), NOW_MS + 9);
    expect(show(set)).toEqual(['a:6=new']);
    expect(join(set)).toEqual(vv({ a: 6, c: 3 }));
    expect(set.entries.map((e) => e.updatedMs)).toEqual([NOW_MS + 9, NOW_MS + 9]);
  });

  it('adds context-only actors as version-less entries, sorted', () => {
    const stored: DvvSet = { entries: [entry('m', 1, ['x'])] };
    const set = update(stored, vv({ z: 4, b: 2 }), 'k', version('y'), NOW_MS);
    expect(set.entries.map((e) => [e.actor, e.counter, e.versions.length])).toEqual([
      ['b', 2, 0],
      ['k', 1, 1],
      ['m', 1, 1],
      ['z', 4, 0],
    ]);
  });

  it('never moves updatedMs backwards when the wall clock steps back', () => {
    const a1 = update(EMPTY_DVVSET, new Map(), 'a', version('v1'), NOW_MS);
    const a2 = update(a1, join(a1), 'a', version('v2'), NOW_MS - 5000);
    expect(a2.entries[0].updatedMs).toBe(NOW_MS);
  });

  it('leaves exactly one sibling when written with the join of the stored set', () => {
    const messy: DvvSet = { entries: [entry('a', 4, ['a4', 'a3']), entry('b', 2, ['b2']), entry('c', 1, [])] };
    const set = update(messy, join(messy), 'c', version('merged'), NOW_MS);
    expect(show(set)).toEqual(['c:2=merged']);
    expect(join(set)).toEqual(vv({ a: 4, b: 2, c: 2 }));
  });
});

describe('sync', () => {
  const a1 = update(EMPTY_DVVSET, new Map(), 'a', version('v1'), NOW_MS);
  const a2 = update(a1, join(a1), 'a', version('v2'), NOW_MS + 1);

  it('keeps the newer of two causally ordered replicas, both ways', () => {
    expect(show(sync(a1, a2))).toEqual(['a:2=v2']);
    expect(show(sync(a2, a1))).toEqual(['a:2=v2']);
    expect(equalSets(sync(a1, a2), a2)).toBe(true);
  });

  it('keeps concurrent writes of different actors', () => {
    const b = update(a2, join(a2), 'b', version('vb'), NOW_MS);
    const c = update(a2, join(a2), 'c', version('vc'), NOW_MS);
    const merged = sync(b, c);
    expect(show(merged)).toEqual(['b:1=vb', 'c:1=vc']);
    expect(join(merged)).toEqual(vv({ a: 2, b: 1, c: 1 }));
    expect(equalSets(merged, sync(c, b))).toBe(true);
  });

  it('drops a version the other side has seen but no longer holds', () => {
    const holds: DvvSet = { entries: [entry('a', 2, ['v2', 'v1'])] };
    const seen: DvvSet = { entries: [entry('a', 1, [])] };
    expect(show(sync(holds, seen))).toEqual(['a:2=v2']);
    expect(show(sync(seen, holds))).toEqual(['a:2=v2']);
  });

  it('keeps a dot both sides hold, and the other side its unseen ones', () => {
    const left: DvvSet = { entries: [entry('a', 3, ['v3', 'v2'])] };
    const right: DvvSet = { entries: [entry('a', 2, ['v2', 'v1'])] };
    expect(show(sync(left, right))).toEqual(['a:3=v3', 'a:2=v2']);
  });

  it('keeps one deterministic copy when two replicas disagree on the same dot', () => {
    const left: DvvSet = { entries: [{ actor: 'a', counter: 1, versions: [version('x', 5)], updatedMs: 1 }] };
    const right: DvvSet = { entries: [{ actor: 'a', counter: 1, versions: [version('y', 7)], updatedMs: 2 }] };
    expect(show(sync(left, right))).toEqual(['a:1=y']);
    expect(show(sync(right, left))).toEqual(['a:1=y']);
    expect(sync(left, right).entries[0].updatedMs).toBe(2);
  });

  it('is the identity with the empty set and with itself', () => {
    expect(equalSets(sync(EMPTY_DVVSET, a2), a2)).toBe(true);
    expect(equalSets(sync(a2, EMPTY_DVVSET), a2)).toBe(true);
    expect(sync(a2, a2)).toBe(a2);
    expect(equalSets(sync(a2, { entries: [...a2.entries] }), a2)).toBe(true);
  });
});

describe('descends and equality', () => {
  it('compares version vectors pointwise, absent = 0', () => {
    expect(descends(vv({ a: 2, b: 1 }), vv({ a: 1 }))).toBe(true);
    expect(descends(vv({ a: 1 }), vv({ a: 1, b: 1 }))).toBe(false);
    expect(descends(vv({}), vv({}))).toBe(true);
    expect(descends(vv({ a: 1 }), vv({ b: 0 }))).toBe(true);
    expect(equalVectors(vv({ a: 1, b: 0 }), vv({ a: 1 }))).toBe(true);
    expect(equalVectors(vv({ a: 1 }), vv({ a: 2 }))).toBe(false);
  });

  it('equalSets looks at versions, counters and updatedMs', () => {
    const base: DvvSet = { entries: [entry('a', 2, ['v2'])] };
    expect(equalSets(base, { entries: [entry('a', 2, ['v2'])] })).toBe(true);
    expect(equalSets(base, { entries: [entry('a', 2, ['other'])] })).toBe(false);
    expect(equalSets(base, { entries: [entry('a', 3, ['v2'])] })).toBe(false);
    expect(equalSets(base, { entries: [entry('a', 2, ['v2'], 1)] })).toBe(false);
    expect(equalSets(base, EMPTY_DVVSET)).toBe(false);
  });

  it('siblings lists every version with its dot, tombstones included', () => {
    const dead: Version = { data: Buffer.alloc(0), tombstone: true, timestampMs: 1, expiresAtMs: 0 };
    const set: DvvSet = { entries: [{ actor: 'a', counter: 3, versions: [dead, version('v2')], updatedMs: 0 }] };
    expect(siblings(set)).toEqual([
      { dot: { actor: 'a', counter: 3 }, version: dead },
      { dot: { actor: 'a', counter: 2 }, version: set.entries[0].versions[1] },
    ]);
    expect(siblingCount(set)).toBe(2);
    expect(siblings(EMPTY_DVVSET)).toEqual([]);
  });
});

describe('compareActors', () => {
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    const actors = ['b', 'a', 'ab', '\u{1F600}', '\uFFFD', 'é', ''];
    const byBytes = [...actors].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...actors].sort(compareActors)).toEqual(byBytes);
    expect(compareActors('x', 'x')).toBe(0);
  });
});
