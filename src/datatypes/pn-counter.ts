/**
 * A PN-counter (Shapiro, Preguiça, Baquero, Zawirski, "A comprehensive study of Convergent and
 * Commutative Replicated Data Types", INRIA RR-7506, 2011): each writer keeps two grow-only
 * totals, merge takes the pointwise maximum, the value is the sum of increments minus decrements.
 *
 * Two additions for Redis semantics:
 * - a `base`, the value the counter started from that belongs to no writer: an INCR on a plain
 *   integer string starts from that string. The base is stamped with the superseded string's
 *   (timestamp, dot), so two coordinators converting the same string concurrently carry the same
 *   base and merge keeps it once; merge keeps the base with the greater stamp.
 * - an entry is named by (actor, start): the actor (node id plus epoch, never the bare node id) and
 *   the DVV counter of the write that created the entry, so a counter re-created after a DEL never
 *   max-merges into an old entry of the same actor and swallows its increments.
 *
 * Only the writing actor ever changes its entry, from its own replica, which holds all its events
 * (the coordinator's invariant), so an entry's totals only grow and merge never loses a write.
 * Pure: no I/O; time comes in as `nowMs`.
 */
import { compareActors, type Dot } from '../versioning/dvvset';
import { compareDots } from '../versioning/lww';

export interface CounterStamp {
  readonly timestampMs: number;
  readonly dot: Dot;
}

export interface CounterBase {
  readonly value: bigint;
  readonly stamp: CounterStamp;
}

export interface CounterEntry {
  readonly actor: string;
  /** DVV counter of the write that created this entry. */
  readonly start: number;
  /** Sum of positive deltas, >= 0. */
  readonly increments: bigint;
  /** Sum of |negative deltas|, >= 0. */
  readonly decrements: bigint;
  /** Wall clock of the entry's last change (max-merged): what compaction judges age by. */
  readonly updatedMs: number;
}

export interface PnCounter {
  readonly base?: CounterBase;
  /** Sorted by (actor in code point order, start); one entry per (actor, start). */
  readonly entries: readonly CounterEntry[];
}

export const EMPTY_COUNTER: PnCounter = Object.freeze({ entries: Object.freeze([]) });

export function counterValue(counter: PnCounter): bigint {
  let value = counter.base?.value ?? 0n;
  for (const entry of counter.entries) value += entry.increments - entry.decrements;
  return value;
}

/** Total order of stamps: timestamp, then dot (as last-writer-wins orders versions). */
export function compareStamps(a: CounterStamp, b: CounterStamp): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs ? -1 : 1;
  return compareDots(a.dot, b.dot);
}

export function compareEntryIds(a: { actor: string; start: number }, b: { actor: string; start: number }): number {
  return compareActors(a.actor, b.actor) || a.start - b.start;
}

/** The least upper bound: commutative, associative, idempotent. */
export function joinCounters(a: PnCounter, b: PnCounter): PnCounter {
  if (a === b) return a;
  const entries: CounterEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.entries.length || j < b.entries.length) {
    const x = a.entries[i];
    const y = b.entries[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareEntryIds(x, y);
    if (order < 0) {
      entries.push(x);
      i++;
    } else if (order > 0) {
      entries.push(y);
      j++;
    } else {
      entries.push({
        actor: x.actor,
        start: x.start,
        increments: x.increments > y.increments ? x.increments : y.increments,
        decrements: x.decrements > y.decrements ? x.decrements : y.decrements,
        updatedMs: Math.max(x.updatedMs, y.updatedMs),
      });
      i++;
      j++;
    }
  }
  return { base: greaterBase(a.base, b.base), entries };
}

function greaterBase(a: CounterBase | undefined, b: CounterBase | undefined): CounterBase | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const order = compareStamps(a.stamp, b.stamp);
  // Equal stamps: the same base in a well-formed history; pick deterministically anyway.
  if (order !== 0) return order > 0 ? a : b;
  return a.value >= b.value ? a : b;
}

/**
 * `delta` added by the write with dot `writer`: to the actor's newest entry, or to a new entry
 * (actor, writer.counter) when the actor has none here.
 */
export function incrementCounter(counter: PnCounter, writer: Dot, delta: bigint, nowMs: number): PnCounter {
  let index = -1;
  counter.entries.forEach((entry, k) => {
    if (entry.actor === writer.actor && (index < 0 || entry.start > counter.entries[index].start)) index = k;
  });
  const old = index >= 0 ? counter.entries[index] : { actor: writer.actor, start: writer.counter, increments: 0n, decrements: 0n, updatedMs: nowMs };
  const next: CounterEntry = {
    ...old,
    increments: delta > 0n ? old.increments + delta : old.increments,
    decrements: delta < 0n ? old.decrements - delta : old.decrements,
    updatedMs: Math.max(old.updatedMs, nowMs),
  };
  const entries = index >= 0 ? counter.entries.map((entry, k) => (k === index ? next : entry)) : [...counter.entries, next].sort(compareEntryIds);
  return { base: counter.base, entries };
}

/** A counter that starts at `value`, the integer string version (timestampMs, dot) held. */
export function counterFromString(value: bigint, stamp: CounterStamp): PnCounter {
  return { base: { value, stamp }, entries: [] };
}
