import { applyIncrement, applySetAdd, applySetRemove, setTombstone } from '../../../src/datatypes/apply';
import { decodeOrswot, encodeCounter } from '../../../src/datatypes/codec';
import { setView, stringOrNil, stringView, typeName, WRONGTYPE } from '../../../src/datatypes/key-type';
import { DEFAULT_DATATYPE_LIMITS } from '../../../src/datatypes/limits';
import { EMPTY_COUNTER, incrementCounter } from '../../../src/datatypes/pn-counter';
import { KeyValue, NO_VALUE, isPresent, readKeyValue, siblingText } from '../../../src/datatypes/value';
import { DvvSet, EMPTY_DVVSET, EMPTY_VERSION_VECTOR, Version, join, update } from '../../../src/versioning/dvvset';
import { decodeRecord, encodeRecord } from '../../../src/versioning/record-codec';

const NOW = 1_700_000_000_000;
const LIMITS = DEFAULT_DATATYPE_LIMITS;
const b = (text: string) => Buffer.from(text);

/** Write `version` as `actor` over `base`, superseding what `base` holds (or nothing: a concurrent sibling). */
function write(base: DvvSet, actor: string, version: Omit<Version, 'timestampMs'>, timestampMs: number, concurrent = false): DvvSet {
  return update(base, concurrent ? EMPTY_VERSION_VECTOR : join(base), actor, { ...version, timestampMs }, timestampMs);
}

const dotFor = (set: DvvSet, actor: string) => ({ actor, counter: (join(set).get(actor) ?? 0) + 1 });

function incr(set: DvvSet, actor: string, delta: bigint, ts: number, concurrent = false): DvvSet {
  const base = concurrent ? EMPTY_DVVSET : set;
  const { write: version } = applyIncrement(readKeyValue(base, NOW), delta, dotFor(set, actor), ts, LIMITS);
  return concurrent ? syncInto(set, write(EMPTY_DVVSET, actor, version, ts)) : write(set, actor, version, ts);
}

function sadd(set: DvvSet, actor: string, members: string[], ts: number, seen: DvvSet = set): DvvSet {
  const { write: version } = applySetAdd(readKeyValue(seen, NOW), members.map(b), dotFor(set, actor), ts, LIMITS);
  return update(set, join(seen), actor, { ...version, timestampMs: ts }, ts);
}

function syncInto(a: DvvSet, b2: DvvSet): DvvSet {
  // Round-trip through the codec: what a replica would store.
  return decodeRecord(encodeRecord({ entries: [...a.entries, ...b2.entries].sort((x, y) => (x.actor < y.actor ? -1 : 1)) }));
}

describe('readKeyValue: merge on read', () => {
  test('concurrent counter siblings add up', () => {
    const a = incr(EMPTY_DVVSET, 'a.1', 5n, NOW - 30);
    const both = incr(a, 'b.1', 7n, NOW - 20, true);
    const value = readKeyValue(both, NOW);
    expect(value.kind).toBe('counter');
    expect(stringView(value)).toEqual(b('12'));
    expect(typeName(value)).toBe('string');
  });

  test('an INCR converts an integer string once, however many coordinators convert it concurrently', () => {
    const s = write(EMPTY_DVVSET, 'a.1', { data: b('10'), tombstone: false, expiresAtMs: 0 }, NOW - 50);
    const seen = readKeyValue(s, NOW);
    const x = applyIncrement(seen, 1n, dotFor(s, 'a.1'), NOW - 40, LIMITS).write;
    const y = applyIncrement(seen, 2n, dotFor(s, 'b.1'), NOW - 40, LIMITS).write;
    // Both supersede the string; they are concurrent with each other.
    const merged = update(update(s, join(s), 'a.1', { ...x, timestampMs: NOW - 40 }, NOW - 40), join(s), 'b.1', { ...y, timestampMs: NOW - 39 }, NOW - 39);
    expect(stringView(readKeyValue(merged, NOW))).toEqual(b('13'));
  });

  test('a string written after a counter wins by LWW and reads as the string', () => {
    const c = incr(EMPTY_DVVSET, 'a.1', 5n, NOW - 30);
    const s = write(c, 'b.1', { data: b('hello'), tombstone: false, expiresAtMs: 0 }, NOW - 20, true);
    expect(readKeyValue(s, NOW)).toMatchObject({ kind: 'string', data: b('hello') });
  });

  test('an emptied set does not exist, yet keeps its clock: a concurrent add wins, an observed one stays removed', () => {
    const added = sadd(EMPTY_DVVSET, 'a.1', ['x'], NOW - 50);
    const removal = applySetRemove(readKeyValue(added, NOW), [b('x')])!;
    expect(removal.write.tombstone).toBe(true);
    const emptied = update(added, join(added), 'a.1', { ...removal.write, timestampMs: NOW - 40 }, NOW - 40);
    const none = readKeyValue(emptied, NOW);
    expect(none.kind).toBe('none');
    expect(isPresent(none)).toBe(false);
    expect(typeName(none)).toBe('none');
    expect(setView(none).clock.get('a.1')?.counter).toBe(1);
    // b adds y without having seen anything: a sibling concurrent with the removal.
    const concurrent = sadd(emptied, 'b.1', ['y'], NOW - 30, EMPTY_DVVSET);
    expect([...setView(readKeyValue(concurrent, NOW)).members.keys()]).toEqual(['y']);
  });

  test('DEL of a set removes what it observed; a concurrent SADD survives it', () => {
    const added = sadd(EMPTY_DVVSET, 'a.1', ['x'], NOW - 50);
    const value = readKeyValue(added, NOW) as KeyValue & { kind: 'set' };
    const deleted = update(added, join(added), 'a.1', { ...setTombstone(value.set), timestampMs: NOW - 40 }, NOW - 40);
    const concurrent = sadd(deleted, 'b.1', ['z'], NOW - 45, EMPTY_DVVSET);
    expect([...setView(readKeyValue(concurrent, NOW)).members.keys()]).toEqual(['z']);
  });

  test('an expired counter or set is gone; a sibling with a payload that does not decode is left out', () => {
    const c = incr(EMPTY_DVVSET, 'a.1', 5n, NOW - 30);
    const expiring = write(c, 'a.1', { kind: 'counter', data: encodeCounter(incrementCounter(EMPTY_COUNTER, { actor: 'a.1', counter: 2 }, 1n, NOW)), tombstone: false, expiresAtMs: NOW }, NOW - 10);
    expect(readKeyValue(expiring, NOW)).toBe(NO_VALUE);
    const garbage = write(c, 'b.1', { kind: 'set', data: b('\xff\xff\xff'), tombstone: false, expiresAtMs: 0 }, NOW - 10, true);
    expect(stringView(readKeyValue(garbage, NOW))).toEqual(b('5'));
  });

  test('VGET shows a counter sibling as its value and a set sibling as nil', () => {
    const c = incr(EMPTY_DVVSET, 'a.1', 5n, NOW - 30);
    expect(siblingText(c.entries[0].versions[0], NOW)).toEqual(b('5'));
    const s = sadd(EMPTY_DVVSET, 'a.1', ['x'], NOW - 30);
    expect(siblingText(s.entries[0].versions[0], NOW)).toBeUndefined();
  });
});

describe('WRONGTYPE and TYPE', () => {
  const s = sadd(EMPTY_DVVSET, 'a.1', ['x'], NOW - 30);
  const str = write(EMPTY_DVVSET, 'a.1', { data: b('v'), tombstone: false, expiresAtMs: 0 }, NOW - 30);
  test('a set is WRONGTYPE to string commands and nil to MGET; TYPE says set', () => {
    expect(typeName(readKeyValue(s, NOW))).toBe('set');
    expect(() => stringView(readKeyValue(s, NOW))).toThrow(WRONGTYPE);
    expect(stringOrNil(readKeyValue(s, NOW))).toBeUndefined();
    expect(() => applyIncrement(readKeyValue(s, NOW), 1n, { actor: 'a.1', counter: 2 }, NOW, LIMITS)).toThrow(WRONGTYPE);
  });
  test('a string or counter is WRONGTYPE to set commands; a missing key is the empty set', () => {
    expect(() => setView(readKeyValue(str, NOW))).toThrow(WRONGTYPE);
    expect(() => applySetAdd(readKeyValue(incr(EMPTY_DVVSET, 'a.1', 1n, NOW - 5), NOW), [b('x')], { actor: 'a.1', counter: 2 }, NOW, LIMITS)).toThrow(WRONGTYPE);
    expect(setView(NO_VALUE).members.size).toBe(0);
    expect(applySetRemove(NO_VALUE, [b('x')])).toBeUndefined();
  });
});

describe('limits and errors, with Redis wording', () => {
  const str = (text: string) => readKeyValue(write(EMPTY_DVVSET, 'a.1', { data: b(text), tombstone: false, expiresAtMs: 0 }, NOW - 30), NOW);
  const dot = { actor: 'a.1', counter: 2 };
  test('INCR on a non-integer string and past int64', () => {
    expect(() => applyIncrement(str('1.5'), 1n, dot, NOW, LIMITS)).toThrow('ERR value is not an integer or out of range');
    expect(() => applyIncrement(str('9223372036854775807'), 1n, dot, NOW, LIMITS)).toThrow('ERR increment or decrement would overflow');
    expect(() => applyIncrement(str('-9223372036854775808'), -1n, dot, NOW, LIMITS)).toThrow('ERR increment or decrement would overflow');
    expect(applyIncrement(str('-9223372036854775807'), -1n, dot, NOW, LIMITS).total).toBe(-(2n ** 63n));
  });
  test('member bytes, members per set and writers per key are bounded', () => {
    const small = { ...LIMITS, setMembersMax: 2, memberBytesMax: 3, writersMax: 2, writersCompactAt: 1 };
    expect(() => applySetAdd(NO_VALUE, [b('long')], dot, NOW, small)).toThrow('ERR set member too large (4 bytes, max 3)');
    expect(() => applySetAdd(NO_VALUE, [b('a'), b('b'), b('c')], dot, NOW, small)).toThrow('ERR set too large (it would hold 3 members, max 2)');
    let set = EMPTY_DVVSET;
    for (const actor of ['a.1', 'b.1']) set = incr(set, actor, 1n, NOW - 10);
    const value = readKeyValue(set, NOW);
    expect(() => applyIncrement(value, 1n, { actor: 'c.1', counter: 1 }, NOW, small)).toThrow(/^ERR counter has too many writers \(3, max 2\)/);
  });
  test('writers idle for a day are folded into the base: the value stays, the entries go', () => {
    let set = EMPTY_DVVSET;
    for (const actor of ['a.1', 'b.1', 'c.1']) set = incr(set, actor, 2n, NOW - LIMITS.writerIdleMinMs - 1);
    const folding = { ...LIMITS, writersCompactAt: 2 };
    const { write: version, total } = applyIncrement(readKeyValue(set, NOW), 1n, { actor: 'd.1', counter: 1 }, NOW, folding);
    expect(total).toBe(7n);
    const after = readKeyValue(update(set, join(set), 'd.1', { ...version, timestampMs: NOW }, NOW), NOW) as KeyValue & { kind: 'counter' };
    expect(stringView(after)).toEqual(b('7'));
    expect(after.counter.entries.map((e) => e.actor)).toEqual(['d.1']);
  });
  test('an emptied set tombstone decodes to the clock and no members', () => {
    const s = decodeOrswot(setTombstone({ clock: new Map([['a.1', { counter: 3, updatedMs: 1 }]]), members: new Map() }).data);
    expect(s.members.size).toBe(0);
    expect(s.clock.get('a.1')?.counter).toBe(3);
  });
});

test('a peer record whose counter or set payload does not decode is refused at the door', () => {
  const { validatePayloads, InvalidDataTypeError } = jest.requireActual('../../../src/datatypes/codec') as typeof import('../../../src/datatypes/codec');
  const good = sadd(EMPTY_DVVSET, 'a.1', ['x'], NOW - 30);
  expect(() => validatePayloads(good.entries.flatMap((e) => e.versions))).not.toThrow();
  const bad = [{ kind: 'set', tombstone: false, data: b('\xff\xff\xff') }];
  expect(() => validatePayloads(bad)).toThrow(InvalidDataTypeError);
  expect(() => validatePayloads([{ kind: 'counter', tombstone: false, data: Buffer.from([0x12, 0x02, 0x0a, 0x00]) }])).toThrow(InvalidDataTypeError);
  expect(() => validatePayloads([{ tombstone: false, data: b('any string') }])).not.toThrow();
});
