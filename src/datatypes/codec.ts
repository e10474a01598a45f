/**
 * Counter and set states as the payload of a record Version (proto/datatypes.proto). Encoding is
 * deterministic (sorted entries and members, proto3 omits defaults), so equal states give equal
 * bytes, as Merkle digests of records need. Decoding validates and throws InvalidDataTypeError:
 * the bytes may come from a faulty disk or a peer speaking garbage.
 */
import { dynkv } from '../generated/proto';
import { compareActors, type Dot } from '../versioning/dvvset';
import { uint64ToNumber } from '../versioning/uint64';
import { type CounterEntry, type PnCounter, compareEntryIds } from './pn-counter';
import { type Orswot, type OrswotClockEntry, compareSetDots } from './orswot';

export class InvalidDataTypeError extends Error {
  override name = 'InvalidDataTypeError';

  constructor(detail: string) {
    super(`invalid data type state: ${detail}`);
  }
}

const pb = dynkv.datatypes;
const SIGNED = /^-?(0|[1-9][0-9]*)$/;
const UNSIGNED = /^(0|[1-9][0-9]*)$/;
/** A decimal total longer than this is garbage: no sum of int64 deltas a key can see gets near it. */
const DECIMAL_DIGITS_MAX = 40;

export function encodeCounter(counter: PnCounter): Buffer {
  const base = counter.base;
  const message: dynkv.datatypes.ICounter = {
    base: base && { value: base.value.toString(), timestampMs: base.stamp.timestampMs, actor: base.stamp.dot.actor, counter: base.stamp.dot.counter },
    entries: counter.entries.map((e) => ({ actor: e.actor, start: e.start, increments: e.increments.toString(), decrements: e.decrements.toString(), updatedMs: e.updatedMs })),
  };
  return toBuffer(pb.Counter.encode(message).finish());
}

export function decodeCounter(bytes: Buffer): PnCounter {
  const message = decode(() => pb.Counter.decode(bytes), 'counter');
  const entries: CounterEntry[] = [];
  for (const e of message.entries) {
    const entry: CounterEntry = {
      actor: actorOf(e.actor),
      start: positive(e.start, 'start'),
      increments: decimal(e.increments, UNSIGNED, 'increments'),
      decrements: decimal(e.decrements, UNSIGNED, 'decrements'),
      updatedMs: uint(e.updatedMs, 'updated_ms'),
    };
    const previous = entries[entries.length - 1];
    if (previous !== undefined && compareEntryIds(previous, entry) >= 0) throw new InvalidDataTypeError('counter entries not sorted or duplicated');
    entries.push(entry);
  }
  const b = message.base;
  if (!b) return { entries };
  const base = { value: decimal(b.value, SIGNED, 'base'), stamp: { timestampMs: uint(b.timestampMs, 'timestamp_ms'), dot: { actor: actorOf(b.actor), counter: positive(b.counter, 'counter') } } };
  return { base, entries };
}

export function encodeOrswot(set: Orswot): Buffer {
  const actors = [...set.clock.keys()].sort(compareActors);
  const index = new Map(actors.map((actor, i) => [actor, i]));
  const members = [...set.members].map(([key, dots]) => ({ value: Buffer.from(key, 'latin1'), dots }));
  members.sort((a, b) => Buffer.compare(a.value, b.value));
  const message: dynkv.datatypes.IOrswot = {
    clock: actors.map((actor) => ({ actor, counter: set.clock.get(actor)!.counter, updatedMs: set.clock.get(actor)!.updatedMs })),
    members: members.map((m) => ({ value: m.value, dots: m.dots.map((dot) => ({ actorIndex: index.get(dot.actor)!, counter: dot.counter })) })),
  };
  return toBuffer(pb.Orswot.encode(message).finish());
}

export function decodeOrswot(bytes: Buffer): Orswot {
  const message = decode(() => pb.Orswot.decode(bytes), 'set');
  const clock = new Map<string, OrswotClockEntry>();
  const actors: string[] = [];
  for (const entry of message.clock) {
    const actor = actorOf(entry.actor);
    if (actors.length > 0 && compareActors(actors[actors.length - 1], actor) >= 0) throw new InvalidDataTypeError('set clock not sorted or duplicated');
    actors.push(actor);
    clock.set(actor, { counter: positive(entry.counter, 'counter'), updatedMs: uint(entry.updatedMs, 'updated_ms') });
  }
  const members = new Map<string, readonly Dot[]>();
  let previous: Buffer | undefined;
  for (const member of message.members) {
    const value = toBuffer(member.value);
    if (previous !== undefined && Buffer.compare(previous, value) >= 0) throw new InvalidDataTypeError('set members not sorted or duplicated');
    previous = value;
    const dots = (member.dots ?? []).map((d) => {
      const actor = actors[d.actorIndex ?? 0];
      const counter = positive(d.counter, 'dot counter');
      if (actor === undefined || counter > clock.get(actor)!.counter) throw new InvalidDataTypeError('a member dot its clock does not cover');
      return { actor, counter };
    });
    if (dots.length === 0) throw new InvalidDataTypeError('a member without dots');
    for (let i = 1; i < dots.length; i++) if (compareSetDots(dots[i - 1], dots[i]) >= 0) throw new InvalidDataTypeError('member dots not sorted or duplicated');
    members.set(value.toString('latin1'), dots);
  }
  return { clock, members };
}

function decode<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch {
    throw new InvalidDataTypeError(`not a ${what} message`);
  }
}

function actorOf(actor: string | null | undefined): string {
  if (!actor) throw new InvalidDataTypeError('empty actor');
  return actor;
}

function decimal(text: string | null | undefined, pattern: RegExp, field: string): bigint {
  const value = text ?? '';
  if (value.length === 0) return 0n;
  if (value.length > DECIMAL_DIGITS_MAX || !pattern.test(value)) throw new InvalidDataTypeError(`${field} is not a decimal integer`);
  return BigInt(value);
}

function uint(value: unknown, field: string): number {
  const number = uint64ToNumber(value);
  if (number === undefined) throw new InvalidDataTypeError(`${field} is not a safe integer`);
  return number;
}

function positive(value: unknown, field: string): number {
  const number = uint(value, field);
  if (number < 1) throw new InvalidDataTypeError(`${field} below 1`);
  return number;
}

function toBuffer(bytes: Uint8Array | null | undefined): Buffer {
  if (!bytes) return Buffer.alloc(0);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Throws InvalidDataTypeError if a counter or set version of `versions` does not decode: a peer's
 * record is refused at the door rather than stored (reads would skip the sibling anyway).
 */
export function validatePayloads(versions: Iterable<{ readonly kind?: string; readonly tombstone: boolean; readonly data: Buffer }>): void {
  for (const version of versions) {
    if (version.kind === 'counter' && !version.tombstone) decodeCounter(version.data);
    else if (version.kind === 'set') decodeOrswot(version.data);
  }
}
