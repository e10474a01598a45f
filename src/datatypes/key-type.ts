/**
 * Which commands may touch which kind of key, with Redis's answers: a counter is a string to
 * every string command (Redis keeps INCR's integers as strings too), a set is not, and a command
 * on the wrong kind answers WRONGTYPE and changes nothing. Pure.
 */
import { ReplyError } from '../lib/errors';
import { EMPTY_ORSWOT, type Orswot } from './orswot';
import { counterValue } from './pn-counter';
import type { KeyValue } from './value';

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

export function wrongType(): ReplyError {
  return new ReplyError(WRONGTYPE);
}

/** TYPE's answer: counters read as strings, as in Redis. */
export function typeName(value: KeyValue): 'string' | 'set' | 'none' {
  switch (value.kind) {
    case 'none':
      return 'none';
    case 'set':
      return 'set';
    default:
      return 'string';
  }
}

/** The key as a string command sees it (GET, STRLEN, GETDEL, APPEND...): a set is WRONGTYPE. */
export function stringView(value: KeyValue): Buffer | undefined {
  switch (value.kind) {
    case 'none':
      return undefined;
    case 'string':
      return value.data;
    case 'counter':
      return Buffer.from(counterValue(value.counter).toString());
    case 'set':
      throw wrongType();
  }
}

/** The key as MGET sees it: Redis answers nil for a key that holds no string. */
export function stringOrNil(value: KeyValue): Buffer | undefined {
  return value.kind === 'set' ? undefined : stringView(value);
}

/** The key as a set command sees it: a missing key is the empty set, a string or counter is WRONGTYPE. */
export function setView(value: KeyValue): Orswot {
  switch (value.kind) {
    case 'none':
      return value.emptiedSet ?? EMPTY_ORSWOT;
    case 'set':
      return value.set;
    default:
      throw wrongType();
  }
}
