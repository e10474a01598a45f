/**
 * Both data types against a causal-history reference model (histories.ts): at every replica, and
 * after all replicas merge, the counter is the sum of the increments it has seen (none lost, none
 * counted twice) and the set holds exactly the members with an add no event observed: add wins
 * over a concurrent remove, and a removed member never comes back without a new add.
 */
import fc from 'fast-check';
import { joinOrswots } from '../../../src/datatypes/orswot';
import { counterValue, joinCounters } from '../../../src/datatypes/pn-counter';
import { historyArb, modelCount, modelMembers, run } from './histories';

const members = (set: { members: ReadonlyMap<string, unknown> }) => [...set.members.keys()].sort();

it('every replica matches the model of what it has seen', () => {
  fc.assert(
    fc.property(historyArb, (ops) =>
      run(ops).every((r) => counterValue(r.counter) === modelCount(r.history) && JSON.stringify(members(r.set)) === JSON.stringify(modelMembers(r.history))),
    ),
    { numRuns: 1000 },
  );
});

it('the merge of all replicas matches the model of the whole history', () => {
  fc.assert(
    fc.property(historyArb, (ops) => {
      const replicas = run(ops);
      const history = new Map(replicas.flatMap((r) => [...r.history]));
      const counter = replicas.map((r) => r.counter).reduce(joinCounters);
      const set = replicas.map((r) => r.set).reduce(joinOrswots);
      return counterValue(counter) === modelCount(history) && JSON.stringify(members(set)) === JSON.stringify(modelMembers(history));
    }),
    { numRuns: 1000 },
  );
});

it('add wins over a concurrent remove; a remove of an observed add sticks', () => {
  const ops = [
    { kind: 'add', replica: 0, member: 'x' },
    { kind: 'merge', replica: 1, from: 0 },
    { kind: 'remove', replica: 1, member: 'x' }, // observed r0's add
    { kind: 'add', replica: 2, member: 'x' }, // concurrent with the remove
    { kind: 'merge', replica: 0, from: 1 },
  ] as const;
  const [r0, , r2] = run(ops);
  expect(members(r0.set)).toEqual([]);
  expect(members(joinOrswots(r0.set, r2.set))).toEqual(['x']);
});
