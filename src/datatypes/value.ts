/**
 * What a key holds, as every command sees it: the merge-on-read of its record's siblings.
 *
 * A record stays a DVVSet whatever the key holds (src/versioning), so replication, hints, read
 * repair and anti-entropy sync records without knowing about data types. Siblings appear when
 * writes were concurrent; this decides what they mean together:
 * - the last-writer-wins pick among all siblings (src/versioning/lww.ts) decides the key's kind,
 *   and for a string its value, as plain GET always did; a deleted or expired pick reads as nothing;
 * - when the pick is a counter or a set, the value is the CRDT join of every sibling of that kind
 *   (live values, and for sets the tombstone an emptying SREM or a DEL left, which carries the
 *   set's clock so that it removes exactly what it observed). Concurrent increments and adds are
 *   therefore never lost to LWW; the next write through the coordinator supersedes the siblings
 *   it merged, so sibling counts stay small.
 * - a set with no members does not exist (EXISTS 0, TYPE none), as in Redis; its clock is still
 *   handed to the next SADD (`emptiedSet`) so that what was removed stays removed.
 *
 * A sibling whose payload does not decode (a corrupt disk, a buggy peer) is left out, as if absent.
 * Pure: time comes in as `nowMs`.
 */
import { type Dot, type DvvSet, type Sibling, type Version, kindOf, siblings } from '../versioning/dvvset';
import { compareForLww, isLive } from '../versioning/lww';
import { InvalidDataTypeError, decodeCounter, decodeOrswot } from './codec';
import { type Orswot, joinOrswots } from './orswot';
import { type PnCounter, counterValue, joinCounters } from './pn-counter';

export type KeyValue =
  | { readonly kind: 'none'; readonly emptiedSet?: Orswot }
  | { readonly kind: 'string'; readonly data: Buffer; readonly expiresAtMs: number; readonly timestampMs: number; readonly dot: Dot }
  | { readonly kind: 'counter'; readonly counter: PnCounter; readonly expiresAtMs: number }
  | { readonly kind: 'set'; readonly set: Orswot; readonly expiresAtMs: number };

export const NO_VALUE: KeyValue = Object.freeze({ kind: 'none' });

export function readKeyValue(set: DvvSet, nowMs: number): KeyValue {
  // The common case, one string version: no sibling list to build.
  if (set.entries.length === 1 && set.entries[0].versions.length === 1 && kindOf(set.entries[0].versions[0]) === 'string') {
    const entry = set.entries[0];
    return stringValue({ dot: { actor: entry.actor, counter: entry.counter }, version: entry.versions[0] }, nowMs);
  }
  const all = decodeAll(siblings(set));
  let winner: Decoded | undefined;
  for (const d of all) if (winner === undefined || compareForLww(d.sibling, winner.sibling) > 0) winner = d;
  if (winner === undefined) return NO_VALUE;
  const kind = kindOf(winner.sibling.version);
  if (kind === 'string') return stringValue(winner.sibling, nowMs);
  if (kind === 'counter' && winner.sibling.version.tombstone) return NO_VALUE;
  // A CRDT tombstone (an emptied set) may win; an expired value may not.
  if (!winner.sibling.version.tombstone && !isLive(winner.sibling.version, nowMs)) return NO_VALUE;
  const members = all.filter(({ sibling: { version } }) => kindOf(version) === kind && (version.tombstone || isLive(version, nowMs)));
  const live = members.filter((d) => !d.sibling.version.tombstone);
  // The TTL of the newest live sibling: the write the key's TTL commands last touched.
  let newestLive: Sibling | undefined;
  for (const { sibling } of live) if (newestLive === undefined || compareForLww(sibling, newestLive) > 0) newestLive = sibling;
  const expiresAtMs = newestLive?.version.expiresAtMs ?? 0;
  if (kind === 'counter') {
    if (live.length === 0) return NO_VALUE;
    return { kind: 'counter', counter: live.map((d) => d.counter!).reduce(joinCounters), expiresAtMs };
  }
  // Members only come from live states, so a set without live siblings is empty here.
  const merged = members.map((d) => d.set!).reduce(joinOrswots);
  if (merged.members.size === 0) return { kind: 'none', emptiedSet: merged };
  return { kind: 'set', set: merged, expiresAtMs };
}

interface Decoded {
  readonly sibling: Sibling;
  readonly counter?: PnCounter;
  readonly set?: Orswot;
}

/** Siblings with their CRDT states decoded once; undecodable ones left out. */
function decodeAll(list: readonly Sibling[]): Decoded[] {
  const out: Decoded[] = [];
  for (const sibling of list) {
    const { version } = sibling;
    const kind = kindOf(version);
    try {
      if (kind === 'string' || (kind === 'counter' && version.tombstone)) out.push({ sibling });
      else if (kind === 'counter') out.push({ sibling, counter: decodeCounter(version.data) });
      else out.push({ sibling, set: decodeOrswot(version.data) });
    } catch (err) {
      if (!(err instanceof InvalidDataTypeError)) throw err;
    }
  }
  return out;
}

function stringValue(sibling: Sibling, nowMs: number): KeyValue {
  const { version, dot } = sibling;
  if (!isLive(version, nowMs)) return NO_VALUE;
  return { kind: 'string', data: version.data, expiresAtMs: version.expiresAtMs, timestampMs: version.timestampMs, dot };
}

/** Whether the key exists for EXISTS, TYPE, TTL, SET NX... */
export function isPresent(value: KeyValue): boolean {
  return value.kind !== 'none';
}

/** The key's deadline (0 = none); meaningless for 'none'. */
export function expiryOf(value: KeyValue): number {
  return value.kind === 'none' ? 0 : value.expiresAtMs;
}

/** One sibling as VGET shows it: a string's bytes, a counter's decimal, nothing for a set or a deleted one. */
export function siblingText(version: Version, nowMs: number): Buffer | undefined {
  if (!isLive(version, nowMs)) return undefined;
  switch (kindOf(version)) {
    case 'string':
      return version.data;
    case 'counter':
      try {
        return Buffer.from(counterValue(decodeCounter(version.data)).toString());
      } catch {
        return undefined;
      }
    case 'set':
      return undefined;
  }
}
