/**
 * An add-wins observed-remove set without tombstones: ORSWOT (Bieniusa, Zawirski, Preguiça,
 * Shapiro, Baquero, Balegas, Duarte, "An optimized conflict-free replicated set", 2012; Riak's
 * riak_dt_orswot). One set-wide version vector (`clock`) says which adds the state has seen; each
 * member keeps the dots of the adds of it that are still live. A remove just drops the member: its
 * dots stay covered by the clock, which is how a merge tells "removed here" from "not seen here",
 * so a removed member comes back only through an add the remover had not seen (add wins).
 *
 * A member's dot is the DVV dot of the write that added it (src/versioning): unique per key for
 * ever, even across a DEL that forgot the set, because the coordinator never issues a dot twice.
 *
 * Members are bytes; maps key them by their latin1 string (one char per byte, lossless).
 * Pure: no I/O; time comes in as `nowMs`.
 */
import { compareActors, type Dot } from '../versioning/dvvset';

export interface OrswotClockEntry {
  readonly counter: number;
  /** Wall clock of the actor's latest add seen (max-merged): what compaction judges age by. */
  readonly updatedMs: number;
}

export interface Orswot {
  /** actor -> adds seen, 1..counter. */
  readonly clock: ReadonlyMap<string, OrswotClockEntry>;
  /** member (latin1) -> live dots, each covered by `clock`, sorted by (actor, counter); never empty. */
  readonly members: ReadonlyMap<string, readonly Dot[]>;
}

export const EMPTY_ORSWOT: Orswot = Object.freeze({ clock: new Map(), members: new Map() });

export function memberKey(member: Buffer): string {
  return member.toString('latin1');
}

export function memberBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

export function hasMember(set: Orswot, member: Buffer): boolean {
  return set.members.has(memberKey(member));
}

export function covers(set: Orswot, dot: Dot): boolean {
  return (set.clock.get(dot.actor)?.counter ?? 0) >= dot.counter;
}

function sameDot(a: Dot, b: Dot): boolean {
  return a.actor === b.actor && a.counter === b.counter;
}

export function compareSetDots(a: Dot, b: Dot): number {
  return compareActors(a.actor, b.actor) || a.counter - b.counter;
}

/** The least upper bound: commutative, associative, idempotent (for states whose dots their clock covers). */
export function joinOrswots(a: Orswot, b: Orswot): Orswot {
  if (a === b) return a;
  const clock = new Map(a.clock);
  for (const [actor, entry] of b.clock) {
    const mine = clock.get(actor);
    clock.set(actor, mine === undefined ? entry : { counter: Math.max(mine.counter, entry.counter), updatedMs: Math.max(mine.updatedMs, entry.updatedMs) });
  }
  const members = new Map<string, readonly Dot[]>();
  for (const key of new Set([...a.members.keys(), ...b.members.keys()])) {
    const ours = a.members.get(key) ?? [];
    const theirs = b.members.get(key) ?? [];
    // A dot both hold survives; a dot one side holds survives unless the other saw it (and so removed it).
    const kept = ours.filter((dot) => theirs.some((other) => sameDot(dot, other)) || !covers(b, dot));
    for (const dot of theirs) if (!ours.some((other) => sameDot(dot, other)) && !covers(a, dot)) kept.push(dot);
    if (kept.length > 0) members.set(key, kept.sort(compareSetDots));
  }
  return { clock, members };
}

/** Add `members` with the write's dot: each member's observed dots are replaced by it. */
export function addMembers(set: Orswot, added: readonly Buffer[], dot: Dot, nowMs: number): Orswot {
  const clock = new Map(set.clock);
  const old = clock.get(dot.actor);
  clock.set(dot.actor, { counter: Math.max(old?.counter ?? 0, dot.counter), updatedMs: Math.max(old?.updatedMs ?? nowMs, nowMs) });
  const members = new Map(set.members);
  for (const member of added) members.set(memberKey(member), [dot]);
  return { clock, members };
}

/** Remove `removed`: only their observed dots go, which the clock keeps covering. */
export function removeMembers(set: Orswot, removed: readonly Buffer[]): Orswot {
  const members = new Map(set.members);
  for (const member of removed) members.delete(memberKey(member));
  return { clock: set.clock, members };
}

export function memberCount(set: Orswot): number {
  return set.members.size;
}
