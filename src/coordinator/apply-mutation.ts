import { applyIncrement, applySetAdd, applySetRemove, setTombstone, withExpiry } from '../datatypes/apply';
import { stringView } from '../datatypes/key-type';
import { DEFAULT_DATATYPE_LIMITS, DataTypeLimits } from '../datatypes/limits';
import { KeyValue, expiryOf, isPresent, readKeyValue } from '../datatypes/value';
import { ReplyError } from '../lib/errors';
import { Dot, DvvSet } from '../versioning/dvvset';
import type { MutationOutcome, NewVersion } from './coordinator';
import { Mutation, MutationResult, RESULT_NULL, RESULT_OK, RESULT_ONE, RESULT_ZERO } from './mutation';

/** Bounds a mutation must respect whatever node evaluates it. */
export interface MutationLimits {
  readonly valueBytesMax: number;
  /** Counters and sets; DEFAULT_DATATYPE_LIMITS when absent. */
  readonly dataTypes?: DataTypeLimits;
}

const EMPTY = Buffer.alloc(0);
const TOMBSTONE: NewVersion = { data: EMPTY, tombstone: true, expiresAtMs: 0 };

export function checkValueSize(bytes: number, limits: MutationLimits): void {
  if (bytes > limits.valueBytesMax) throw new ReplyError(`ERR value too large (${bytes} bytes, max-value-bytes is ${limits.valueBytesMax})`);
}

/**
 * Decide what `mutation` writes given the key's current siblings at `nowMs`, read as one value
 * (src/datatypes/value.ts: LWW for strings, the CRDT join for counters and sets). Pure; throws
 * ReplyError for a request Redis would refuse (WRONGTYPE, a non-integer INCR, an oversized APPEND).
 * `writer` is the dot the coordinator will give the new version (counter entries and set dots use it).
 */
export function applyMutation(mutation: Mutation, current: DvvSet, nowMs: number, limits: MutationLimits, writer: Dot): MutationOutcome<MutationResult> {
  // A plain SET (no NX/XX, GET or KEEPTTL) does not depend on what the key holds: no read.
  if (mutation.kind === 'set' && mutation.condition === undefined && !mutation.returnPrevious && mutation.expiresAtMs !== 'keep') {
    return { write: { data: mutation.value, tombstone: false, expiresAtMs: mutation.expiresAtMs }, context: 'current', result: RESULT_OK };
  }
  const value = readKeyValue(current, nowMs);
  const write = (version: NewVersion, result: MutationResult): MutationOutcome<MutationResult> => ({ write: version, context: 'current', result });
  const put = (data: Buffer, expiresAtMs: number, result: MutationResult) => write({ data, tombstone: false, expiresAtMs }, result);
  const dataTypes = limits.dataTypes ?? DEFAULT_DATATYPE_LIMITS;
  switch (mutation.kind) {
    case 'set': {
      // SET replaces a key of any kind; only SET ... GET reads it, as a string (WRONGTYPE on a set).
      const previous = mutation.returnPrevious ? bulkOrNull(stringView(value)) : RESULT_NULL;
      const exists = isPresent(value);
      const blocked = (mutation.condition === 'NX' && exists) || (mutation.condition === 'XX' && !exists);
      if (blocked) return { result: mutation.returnPrevious ? previous : RESULT_NULL };
      const expiresAtMs = mutation.expiresAtMs === 'keep' ? expiryOf(value) : mutation.expiresAtMs;
      return put(mutation.value, expiresAtMs, mutation.returnPrevious ? previous : RESULT_OK);
    }
    case 'delete':
      return isPresent(value) ? write(deletion(value), RESULT_ONE) : { result: RESULT_ZERO };
    case 'getdel': {
      const data = stringView(value);
      return data ? write(deletion(value), { kind: 'bulk', value: data }) : { result: RESULT_NULL };
    }
    case 'incrby': {
      const { write: version, total } = applyIncrement(value, mutation.delta, writer, nowMs, dataTypes);
      return write(version, { kind: 'integer', value: total });
    }
    case 'append': {
      // APPEND on a counter appends to its decimal text and makes it a plain string, as in Redis.
      const existing = stringView(value);
      const data = existing ? Buffer.concat([existing, mutation.suffix]) : mutation.suffix;
      checkValueSize(data.length, limits);
      return put(data, expiryOf(value), { kind: 'integer', value: BigInt(data.length) });
    }
    case 'expire': {
      if (!isPresent(value) || !expiryAllowed(mutation.condition, expiryOf(value), mutation.expiresAtMs)) return { result: RESULT_ZERO };
      // A deadline already past deletes the key, as in Redis.
      if (mutation.expiresAtMs <= nowMs) return write(deletion(value), RESULT_ONE);
      return write(rewritten(value, mutation.expiresAtMs), RESULT_ONE);
    }
    case 'persist':
      if (!isPresent(value) || expiryOf(value) === 0) return { result: RESULT_ZERO };
      return write(rewritten(value, 0), RESULT_ONE);
    case 'vset':
      return { write: { data: mutation.value, tombstone: false, expiresAtMs: mutation.expiresAtMs }, context: mutation.context, result: RESULT_OK };
    case 'vdel':
      return { write: TOMBSTONE, context: mutation.context, result: RESULT_OK };
    case 'sadd': {
      const { write: version, added } = applySetAdd(value, mutation.members, writer, nowMs, dataTypes);
      checkValueSize(version.data.length, limits);
      return write(version, { kind: 'integer', value: BigInt(added) });
    }
    case 'srem': {
      const removal = applySetRemove(value, mutation.members);
      return removal ? write(removal.write, { kind: 'integer', value: BigInt(removal.removed) }) : { result: RESULT_ZERO };
    }
  }
}

function bulkOrNull(data: Buffer | undefined): MutationResult {
  return data ? { kind: 'bulk', value: data } : RESULT_NULL;
}

/** A set's deletion keeps its clock, so a concurrent SADD the deleter never saw survives (add wins). */
function deletion(value: KeyValue): NewVersion {
  return value.kind === 'set' ? setTombstone(value.set) : TOMBSTONE;
}

/** The key's current value as one version with a new deadline. */
function rewritten(value: KeyValue, expiresAtMs: number): NewVersion {
  switch (value.kind) {
    case 'string':
      return { data: value.data, tombstone: false, expiresAtMs };
    case 'counter':
    case 'set':
      return withExpiry(value, expiresAtMs);
    case 'none':
      throw new Error('rewritten: the key does not exist');
  }
}

/** Whether EXPIRE's condition lets a key with `currentMs` (0 = persistent) take `nextMs`. Redis treats "no TTL" as infinite for GT/LT. */
function expiryAllowed(condition: 'NX' | 'XX' | 'GT' | 'LT' | undefined, currentMs: number, nextMs: number): boolean {
  switch (condition) {
    case 'NX':
      return currentMs === 0;
    case 'XX':
      return currentMs !== 0;
    case 'GT':
      return currentMs !== 0 && nextMs > currentMs;
    case 'LT':
      return currentMs === 0 || nextMs < currentMs;
    default:
      return true;
  }
}
