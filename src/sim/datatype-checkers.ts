import { decodeOrswot } from '../datatypes/codec';
import type { Orswot } from '../datatypes/orswot';
import { counterValue } from '../datatypes/pn-counter';
import { readKeyValue } from '../datatypes/value';
import { replicaWritesOf, type ReplicaWriteItem, type RequestBody } from '../peer/bodies';
import { DvvSet, join, kindOf, siblings, sync } from '../versioning/dvvset';
import { decodeRecord } from '../versioning/record-codec';
import { hintsFor } from './checkers';
import type { IncrementRecord } from './datatype-workload';
import type { SimNode } from './sim-node';

/**
 * Every set state any node sent another (replica writes carry every version a coordinator made),
 * by key and DVV dot, and every (member, add dot) pair ever live in one: what the resurrection
 * check needs to know which adds each state had removed.
 */
export class SetStateRegistry {
  readonly #states = new Map<string, Map<string, { actor: string; counter: number; set: Orswot }>>();
  readonly #added = new Map<string, Set<string>>();

  observe(body: RequestBody): void {
    for (const write of replicaWritesOf(body)) this.#observeWrite(write);
  }

  #observeWrite(body: ReplicaWriteItem): void {
    const key = body.key.toString();
    for (const { dot, version } of siblings(decodeRecord(body.record))) {
      if (kindOf(version) !== 'set') continue;
      const byDot = this.#states.get(key) ?? new Map();
      this.#states.set(key, byDot);
      const dotKey = `${dot.actor}:${dot.counter}`;
      if (byDot.has(dotKey)) continue;
      const set = decodeOrswot(version.data);
      byDot.set(dotKey, { ...dot, set });
      const added = this.#added.get(key) ?? new Set();
      this.#added.set(key, added);
      for (const [member, dots] of set.members) for (const d of dots) added.add(pairKey(member, d));
    }
  }

  /** (member, add dot) pairs that some state covered by `final`'s clock had removed. */
  removedBefore(key: string, final: DvvSet): Set<string> {
    const removed = new Set<string>();
    const clock = join(final);
    const added = this.#added.get(key) ?? new Set<string>();
    for (const { actor, counter, set } of this.#states.get(key)?.values() ?? []) {
      if ((clock.get(actor) ?? 0) < counter) continue; // not in the final state's past
      for (const pair of added) {
        const [member, dotActor, dotCounter] = splitPair(pair);
        const covered = (set.clock.get(dotActor)?.counter ?? 0) >= dotCounter;
        const live = set.members.get(member)?.some((d) => d.actor === dotActor && d.counter === dotCounter) ?? false;
        if (covered && !live) removed.add(pair);
      }
    }
    return removed;
  }
}

function pairKey(member: string, dot: { actor: string; counter: number }): string {
  return `${member}\u0000${dot.actor}\u0000${dot.counter}`;
}

function splitPair(pair: string): [string, string, number] {
  const [member, actor, counter] = pair.split('\u0000');
  return [member, actor, Number(counter)];
}

/**
 * No increment lost, none applied twice: after healing, each counter's merged value (its final
 * full read, with any hints still held) is the sum of its acknowledged increments plus some of
 * those whose outcome the client never learned.
 */
export function checkCounters(finalReads: ReadonlyMap<string, DvvSet>, increments: readonly IncrementRecord[], nodes: readonly SimNode[], nowMs: number): string[] {
  const violations: string[] = [];
  const keys = [...new Set(increments.map((i) => i.key))].sort();
  for (const key of keys) {
    const final = finalReads.get(key);
    if (!final) continue; // the full read itself failed; reported by the caller
    let acked = 0n;
    let low = 0n;
    let high = 0n;
    for (const { key: k, delta, outcome } of increments) {
      if (k !== key) continue;
      if (outcome === 'acked') acked += delta;
      else if (delta < 0n) low += delta;
      else high += delta;
    }
    const value = readKeyValue(sync(final, hintsFor(nodes, key)), nowMs);
    const actual = value.kind === 'counter' ? counterValue(value.counter) : 0n;
    if (actual < acked + low || actual > acked + high) {
      violations.push(`counter ${key} reads ${actual}, but acknowledged increments sum to ${acked} (unacknowledged ones could add ${low}..+${high})`);
    }
  }
  return violations;
}

/**
 * A removed element never comes back unless re-added: every (member, add dot) live in a set's final
 * state must not have been removed by any state in that final state's causal past. A member may
 * be back only through an add the remover had not observed, which is a different dot.
 */
export function checkSetResurrections(finalReads: ReadonlyMap<string, DvvSet>, keys: readonly string[], registry: SetStateRegistry, nowMs: number): string[] {
  const violations: string[] = [];
  for (const key of keys) {
    const final = finalReads.get(key);
    if (!final) continue;
    const value = readKeyValue(final, nowMs);
    if (value.kind !== 'set') continue;
    const removed = registry.removedBefore(key, final);
    for (const [member, dots] of value.set.members) {
      for (const dot of dots) {
        if (removed.has(pairKey(member, dot))) violations.push(`resurrected: ${key} holds ${member} by the add ${dot.actor}:${dot.counter}, which a state in its past had removed`);
      }
    }
  }
  return violations;
}
