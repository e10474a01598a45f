/**
 * What a counter or set command writes, decided from the key's merged value (value.ts). Pure;
 * throws ReplyError for what Redis refuses (WRONGTYPE, a non-integer, an overflow) and for the
 * limits in limits.ts. `writer` is the DVV dot the coordinator will give the new version: it
 * names the counter entry and the set dots this write creates, so they are never reused.
 */
import { ReplyError } from '../lib/errors';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../lib/int64';
import type { Dot, ValueKind } from '../versioning/dvvset';
import { encodeCounter, encodeOrswot } from './codec';
import { compactCounter, compactOrswot } from './compact';
import { setView, wrongType } from './key-type';
import type { DataTypeLimits } from './limits';
import { type Orswot, addMembers, removeMembers, hasMember, memberKey } from './orswot';
import { EMPTY_COUNTER, type PnCounter, counterFromString, counterValue, incrementCounter } from './pn-counter';
import type { KeyValue } from './value';

/** The payload of the version a data type command writes; the coordinator adds timestamp and dot. */
export interface DataTypeVersion {
  readonly kind: ValueKind;
  readonly data: Buffer;
  readonly tombstone: boolean;
  readonly expiresAtMs: number;
}

export const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';
export const OVERFLOW = 'ERR increment or decrement would overflow';

export function applyIncrement(value: KeyValue, delta: bigint, writer: Dot, nowMs: number, limits: DataTypeLimits): { write: DataTypeVersion; total: bigint } {
  const counter = counterOf(value);
  const current = counterValue(counter);
  // Concurrent increments merged past int64 read as a string Redis could not parse either.
  if (current < INT64_MIN || current > INT64_MAX) throw new ReplyError(NOT_AN_INTEGER);
  const total = current + delta;
  if (total < INT64_MIN || total > INT64_MAX) throw new ReplyError(OVERFLOW);
  const next = compactCounter(incrementCounter(counter, writer, delta, nowMs), writer, nowMs, nowMs, limits);
  if (next.entries.length > limits.writersMax) throw tooManyWriters('counter', next.entries.length, limits);
  // INCR keeps the key's TTL, as in Redis.
  const expiresAtMs = value.kind === 'none' ? 0 : value.expiresAtMs;
  return { write: { kind: 'counter', data: encodeCounter(next), tombstone: false, expiresAtMs }, total };
}

function counterOf(value: KeyValue): PnCounter {
  switch (value.kind) {
    case 'none':
      return EMPTY_COUNTER;
    case 'counter':
      return value.counter;
    case 'string': {
      const base = parseInt64(value.data);
      if (base === undefined) throw new ReplyError(NOT_AN_INTEGER);
      // Tied to the string version it converts: coordinators converting it concurrently agree.
      return counterFromString(base, { timestampMs: value.timestampMs, dot: value.dot });
    }
    case 'set':
      throw wrongType();
  }
}

export function applySetAdd(value: KeyValue, members: readonly Buffer[], writer: Dot, nowMs: number, limits: DataTypeLimits): { write: DataTypeVersion; added: number } {
  const set = setView(value);
  for (const member of members) {
    if (member.length > limits.memberBytesMax) throw new ReplyError(`ERR set member too large (${member.length} bytes, max ${limits.memberBytesMax})`);
  }
  const fresh = new Set(members.filter((member) => !hasMember(set, member)).map(memberKey));
  if (set.members.size + fresh.size > limits.setMembersMax) {
    throw new ReplyError(`ERR set too large (it would hold ${set.members.size + fresh.size} members, max ${limits.setMembersMax})`);
  }
  // Every member is written, even one already there: a re-add wins over a concurrent remove.
  const next = compactOrswot(addMembers(set, members, writer, nowMs), writer, nowMs, limits);
  if (next.clock.size > limits.writersMax) throw tooManyWriters('set', next.clock.size, limits);
  const expiresAtMs = value.kind === 'set' ? value.expiresAtMs : 0;
  return { write: { kind: 'set', data: encodeOrswot(next), tombstone: false, expiresAtMs }, added: fresh.size };
}

/** undefined when no member was there: nothing to write, as Redis changes nothing. */
export function applySetRemove(value: KeyValue, members: readonly Buffer[]): { write: DataTypeVersion; removed: number } | undefined {
  const set = setView(value);
  const gone = new Set(members.filter((member) => hasMember(set, member)).map(memberKey));
  if (gone.size === 0 || value.kind !== 'set') return undefined;
  const next = removeMembers(set, members);
  // Removing the last member deletes the key; the tombstone keeps the clock so the removal sticks.
  if (next.members.size === 0) return { write: setTombstone(next), removed: gone.size };
  return { write: { kind: 'set', data: encodeOrswot(next), tombstone: false, expiresAtMs: value.expiresAtMs }, removed: gone.size };
}

/** What DEL (or an EXPIRE in the past) writes over a set: it removes what it observed, no more. */
export function setTombstone(set: Orswot): DataTypeVersion {
  return { kind: 'set', data: encodeOrswot({ clock: set.clock, members: new Map() }), tombstone: true, expiresAtMs: 0 };
}

/** The merged value rewritten as one version with another deadline (EXPIRE, PERSIST). */
export function withExpiry(value: KeyValue & { kind: 'counter' | 'set' }, expiresAtMs: number): DataTypeVersion {
  const data = value.kind === 'counter' ? encodeCounter(value.counter) : encodeOrswot(value.set);
  return { kind: value.kind, data, tombstone: false, expiresAtMs };
}

function tooManyWriters(what: string, count: number, limits: DataTypeLimits): ReplyError {
  return new ReplyError(`ERR ${what} has too many writers (${count}, max ${limits.writersMax}): idle ones are compacted after a day`);
}
