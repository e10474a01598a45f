import { applyMutation } from '../../../src/coordinator/apply-mutation';
import { decodeCounter } from '../../../src/datatypes/codec';
import { counterValue } from '../../../src/datatypes/pn-counter';
import { readKeyValue } from '../../../src/datatypes/value';
import { Mutation } from '../../../src/coordinator/mutation';
import { DvvSet, EMPTY_DVVSET, EMPTY_VERSION_VECTOR, join, update } from '../../../src/versioning/dvvset';

const NOW = 1_000_000;
const LIMITS = { valueBytesMax: 16 };
const WRITER = { actor: 'node-c.01', counter: 1 };
const b = (text: string) => Buffer.from(text);

function stored(value: string | null, expiresAtMs = 0, base: DvvSet = EMPTY_DVVSET): DvvSet {
  const version = { data: b(value ?? ''), tombstone: value === null, timestampMs: NOW - 10, expiresAtMs };
  return update(base, join(base), 'node-a', version, NOW - 10);
}

function outcome(mutation: Mutation, current: DvvSet = EMPTY_DVVSET) {
  const result = applyMutation(mutation, current, NOW, LIMITS, WRITER);
  return { result: result.result, write: result.write, context: result.write ? result.context : undefined };
}

const set = (value: string, extra: Partial<Extract<Mutation, { kind: 'set' }>> = {}): Mutation => ({ kind: 'set', value: b(value), expiresAtMs: 0, returnPrevious: false, ...extra });

describe('set', () => {
  test('writes over whatever the coordinator saw', () => {
    expect(outcome(set('v'), stored('old'))).toEqual({ result: { kind: 'ok' }, write: { data: b('v'), tombstone: false, expiresAtMs: 0 }, context: 'current' });
  });
  test('NX and XX decide on the visible value', () => {
    expect(outcome(set('v', { condition: 'NX' }), stored('old')).write).toBeUndefined();
    expect(outcome(set('v', { condition: 'NX' }), stored(null)).write).toBeDefined();
    expect(outcome(set('v', { condition: 'XX' })).result).toEqual({ kind: 'null' });
    expect(outcome(set('v', { condition: 'XX', returnPrevious: true }), stored('old')).result).toEqual({ kind: 'bulk', value: b('old') });
  });
  test('KEEPTTL keeps the current deadline; an expired value counts as absent', () => {
    expect(outcome(set('v', { expiresAtMs: 'keep' }), stored('old', NOW + 500)).write?.expiresAtMs).toBe(NOW + 500);
    expect(outcome(set('v', { condition: 'NX' }), stored('old', NOW - 1)).write).toBeDefined();
  });
});

describe('read-modify-write', () => {
  test('incrby makes a counter from an integer string, keeps the TTL and refuses overflow and non-integers', () => {
    expect(outcome({ kind: 'incrby', delta: 5n }).result).toEqual({ kind: 'integer', value: 5n });
    const withTtl = outcome({ kind: 'incrby', delta: -7n }, stored('10', NOW + 99));
    expect(withTtl.result).toEqual({ kind: 'integer', value: 3n });
    expect(withTtl.write).toMatchObject({ kind: 'counter', tombstone: false, expiresAtMs: NOW + 99 });
    expect(counterValue(decodeCounter(withTtl.write!.data))).toBe(3n);
    expect(() => outcome({ kind: 'incrby', delta: 1n }, stored('x'))).toThrow('ERR value is not an integer or out of range');
    expect(() => outcome({ kind: 'incrby', delta: 1n }, stored('9223372036854775807'))).toThrow('ERR increment or decrement would overflow');
  });
  test('append grows the value within the limit', () => {
    expect(outcome({ kind: 'append', suffix: b('cd') }, stored('ab')).result).toEqual({ kind: 'integer', value: 4n });
    expect(() => outcome({ kind: 'append', suffix: b('x'.repeat(15)) }, stored('ab'))).toThrow(/^ERR value too large/);
  });
  test('delete and getdel write tombstones only for visible keys', () => {
    expect(outcome({ kind: 'delete' }).write).toBeUndefined();
    expect(outcome({ kind: 'delete' }, stored('v')).write?.tombstone).toBe(true);
    expect(outcome({ kind: 'getdel' }, stored('v')).result).toEqual({ kind: 'bulk', value: b('v') });
  });
  test.each([
    ['NX', 0, NOW + 10, 1n],
    ['NX', NOW + 5, NOW + 10, 0n],
    ['XX', 0, NOW + 10, 0n],
    ['GT', NOW + 5, NOW + 10, 1n],
    ['GT', 0, NOW + 10, 0n],
    ['LT', 0, NOW + 10, 1n],
    ['LT', NOW + 5, NOW + 10, 0n],
  ] as const)('expire %s with TTL %i to %i → %s', (condition, currentMs, nextMs, expected) => {
    expect(outcome({ kind: 'expire', expiresAtMs: nextMs, condition }, stored('v', currentMs)).result).toEqual({ kind: 'integer', value: expected });
  });
  test('expire in the past deletes; persist removes a TTL', () => {
    expect(outcome({ kind: 'expire', expiresAtMs: NOW - 1 }, stored('v')).write?.tombstone).toBe(true);
    expect(outcome({ kind: 'persist' }, stored('v', NOW + 5)).write).toEqual({ data: b('v'), tombstone: false, expiresAtMs: 0 });
    expect(outcome({ kind: 'persist' }, stored('v')).write).toBeUndefined();
  });
});

test('vset and vdel supersede exactly their context', () => {
  const context = new Map([['node-a', 3]]);
  expect(outcome({ kind: 'vset', value: b('v'), context, expiresAtMs: 0 }).context).toBe(context);
  expect(outcome({ kind: 'vdel', context: EMPTY_VERSION_VECTOR }).write?.tombstone).toBe(true);
});

test('readKeyValue picks the last writer and hides tombstones and expired values', () => {
  expect(readKeyValue(EMPTY_DVVSET, NOW).kind).toBe('none');
  expect(readKeyValue(stored(null), NOW).kind).toBe('none');
  expect(readKeyValue(stored('v', NOW), NOW).kind).toBe('none');
  const older = stored('older');
  const siblings = update(older, EMPTY_VERSION_VECTOR, 'node-b', { data: b('newer'), tombstone: false, timestampMs: NOW, expiresAtMs: 0 }, NOW);
  expect(readKeyValue(siblings, NOW)).toMatchObject({ kind: 'string', data: b('newer') });
});
