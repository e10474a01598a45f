/**
 * Random histories of replicas of one counter and one set, for the property tests: each replica
 * writes only as its own actor (its dots count up, as a coordinator's DVV dots do) and merges
 * other replicas' states at random. Alongside the CRDT states it keeps a causal-history model:
 * the set of events each replica has seen, merged by union.
 */
import fc from 'fast-check';
import { type Orswot, EMPTY_ORSWOT, addMembers, joinOrswots, removeMembers } from '../../../src/datatypes/orswot';
import { type PnCounter, EMPTY_COUNTER, incrementCounter, joinCounters } from '../../../src/datatypes/pn-counter';
import type { Dot } from '../../../src/versioning/dvvset';

export type Op =
  | { readonly kind: 'incr'; readonly replica: number; readonly delta: number }
  | { readonly kind: 'add'; readonly replica: number; readonly member: string }
  | { readonly kind: 'remove'; readonly replica: number; readonly member: string }
  | { readonly kind: 'merge'; readonly replica: number; readonly from: number };

export const REPLICAS = 3;
const MEMBERS = ['a', 'b', 'c', 'd'];

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('incr' as const), replica: fc.nat(REPLICAS - 1), delta: fc.integer({ min: -5, max: 9 }) }),
  fc.record({ kind: fc.constant('add' as const), replica: fc.nat(REPLICAS - 1), member: fc.constantFrom(...MEMBERS) }),
  fc.record({ kind: fc.constant('remove' as const), replica: fc.nat(REPLICAS - 1), member: fc.constantFrom(...MEMBERS) }),
  fc.record({ kind: fc.constant('merge' as const), replica: fc.nat(REPLICAS - 1), from: fc.nat(REPLICAS - 1) }),
);

export const historyArb = fc.array(opArb, { maxLength: 40 });

/** A causal-history event: an increment, an add (and the dots of the member it observed), a remove (what it observed). */
type Event =
  | { readonly id: string; readonly kind: 'incr'; readonly delta: number }
  | { readonly id: string; readonly kind: 'add'; readonly member: string; readonly dot: string; readonly observed: readonly string[] }
  | { readonly id: string; readonly kind: 'remove'; readonly member: string; readonly observed: readonly string[] };

export interface Replica {
  counter: PnCounter;
  set: Orswot;
  /** The causal history: every event this replica has seen. */
  history: Map<string, Event>;
  writes: number;
}

const dotId = (dot: Dot) => `${dot.actor}:${dot.counter}`;

export function run(ops: readonly Op[]): Replica[] {
  const replicas: Replica[] = Array.from({ length: REPLICAS }, () => ({ counter: EMPTY_COUNTER, set: EMPTY_ORSWOT, history: new Map(), writes: 0 }));
  ops.forEach((op, step) => {
    const r = replicas[op.replica];
    const dot = { actor: `r${op.replica}.e1`, counter: r.writes + 1 };
    const id = `e${step}`;
    switch (op.kind) {
      case 'incr':
        r.writes++;
        r.counter = incrementCounter(r.counter, dot, BigInt(op.delta), step);
        r.history.set(id, { id, kind: 'incr', delta: op.delta });
        break;
      case 'add': {
        r.writes++;
        const observed = (r.set.members.get(op.member) ?? []).map(dotId);
        r.set = addMembers(r.set, [Buffer.from(op.member)], dot, step);
        r.history.set(id, { id, kind: 'add', member: op.member, dot: dotId(dot), observed });
        break;
      }
      case 'remove': {
        const observed = (r.set.members.get(op.member) ?? []).map(dotId);
        r.set = removeMembers(r.set, [Buffer.from(op.member)]);
        r.history.set(id, { id, kind: 'remove', member: op.member, observed });
        break;
      }
      case 'merge': {
        const from = replicas[op.from];
        r.counter = joinCounters(r.counter, from.counter);
        r.set = joinOrswots(r.set, from.set);
        for (const [key, event] of from.history) r.history.set(key, event);
        break;
      }
    }
  });
  return replicas;
}

/** The model's counter: the sum of every increment in the history. */
export function modelCount(history: ReadonlyMap<string, Event>): bigint {
  let sum = 0n;
  for (const event of history.values()) if (event.kind === 'incr') sum += BigInt(event.delta);
  return sum;
}

/**
 * The model's set (add-wins observed-remove): a member is in iff some add of it is in the history
 * and no event in the history observed that add's dot (a remove, or a later add that replaced it).
 */
export function modelMembers(history: ReadonlyMap<string, Event>): string[] {
  const observed = new Set<string>();
  for (const event of history.values()) if (event.kind !== 'incr') for (const dot of event.observed) observed.add(dot);
  const members = new Set<string>();
  for (const event of history.values()) if (event.kind === 'add' && !observed.has(event.dot)) members.add(event.member);
  return [...members].sort();
}
