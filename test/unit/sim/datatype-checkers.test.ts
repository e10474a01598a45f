/** The simulator's data type checkers must be able to fail: crafted histories that break each rule. */
import { encodeCounter, encodeOrswot } from '../../../src/datatypes/codec';
import { EMPTY_ORSWOT, addMembers, removeMembers } from '../../../src/datatypes/orswot';
import { EMPTY_COUNTER, incrementCounter } from '../../../src/datatypes/pn-counter';
import { SetStateRegistry, checkCounters, checkSetResurrections } from '../../../src/sim/datatype-checkers';
import { DvvSet, EMPTY_DVVSET, Version, join, update } from '../../../src/versioning/dvvset';
import { encodeRecord } from '../../../src/versioning/record-codec';

const NOW = 1_700_000_000_000;
const setVersion = (data: Buffer, timestampMs: number): Version => ({ kind: 'set', data, tombstone: false, timestampMs, expiresAtMs: 0 });
const replicaWrite = (key: string, record: DvvSet) => ({ kind: 'replicaWrite' as const, key: Buffer.from(key), partition: 0, record: encodeRecord(record), hintFor: '' });

describe('checkSetResurrections', () => {
  const added = addMembers(EMPTY_ORSWOT, [Buffer.from('x')], { actor: 'a.1', counter: 1 }, NOW);
  const v1 = update(EMPTY_DVVSET, join(EMPTY_DVVSET), 'a.1', setVersion(encodeOrswot(added), NOW), NOW);
  const removedState = removeMembers(added, [Buffer.from('x')]);
  const v2 = update(v1, join(v1), 'a.1', setVersion(encodeOrswot(removedState), NOW + 1), NOW + 1);

  test('a member whose add a state in the final past removed is reported', () => {
    const registry = new SetStateRegistry();
    registry.observe(replicaWrite('cart', v1));
    registry.observe(replicaWrite('cart', v2));
    // A buggy final state: it knows v2 (its clock covers it), yet x is live by the removed add.
    const buggy = update(v2, join(v2), 'a.1', setVersion(encodeOrswot(added), NOW + 2), NOW + 2);
    expect(checkSetResurrections(new Map([['cart', buggy]]), ['cart'], registry, NOW + 3)).toEqual([
      'resurrected: cart holds x by the add a.1:1, which a state in its past had removed',
    ]);
  });

  test('a member back through a new add is fine', () => {
    const registry = new SetStateRegistry();
    registry.observe(replicaWrite('cart', v1));
    registry.observe(replicaWrite('cart', v2));
    const readded = addMembers(removedState, [Buffer.from('x')], { actor: 'b.1', counter: 1 }, NOW + 2);
    const final = update(v2, join(v2), 'b.1', setVersion(encodeOrswot(readded), NOW + 2), NOW + 2);
    expect(checkSetResurrections(new Map([['cart', final]]), ['cart'], registry, NOW + 3)).toEqual([]);
  });
});

test('checkCounters: the final value must lie between the acknowledged sum and what unacknowledged increments could add', () => {
  const counter = incrementCounter(EMPTY_COUNTER, { actor: 'a.1', counter: 1 }, 5n, NOW);
  const final = update(EMPTY_DVVSET, new Map(), 'a.1', { kind: 'counter', data: encodeCounter(counter), tombstone: false, timestampMs: NOW, expiresAtMs: 0 }, NOW);
  const reads = new Map([['c', final]]);
  expect(checkCounters(reads, [{ key: 'c', delta: 3n, outcome: 'acked' }, { key: 'c', delta: 2n, outcome: 'unknown' }], [], NOW)).toEqual([]);
  expect(checkCounters(reads, [{ key: 'c', delta: 3n, outcome: 'acked' }, { key: 'c', delta: 4n, outcome: 'acked' }], [], NOW)).toEqual([
    'counter c reads 5, but acknowledged increments sum to 7 (unacknowledged ones could add 0..+0)',
  ]);
});
