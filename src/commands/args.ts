import { ReplyError } from '../lib/errors';

/** Argument parsing shared by commands, with Redis's error wording. */

export const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX_ERROR = 'ERR syntax error';

const INTEGER_PATTERN = /^-?(0|[1-9][0-9]*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signed 64-bit integer in Redis's strict decimal form, or undefined. */
export function parseInt64(arg: Buffer | string): bigint | undefined {
  const text = typeof arg === 'string' ? arg : arg.toString('latin1');
  if (text.length === 0 || text.length > 20 || !INTEGER_PATTERN.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** An integer argument that must fit a safe JS number; throws Redis's error otherwise. */
export function integerArg(arg: Buffer, message = NOT_AN_INTEGER): number {
  const value = parseInt64(arg);
  if (value === undefined || value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ReplyError(message);
  }
  return Number(value);
}

export function isWord(arg: Buffer, word: string): boolean {
  return arg.length === word.length && arg.toString('latin1').toLowerCase() === word;
}

export function lowerName(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase();
}

export function wrongArity(name: string): ReplyError {
  return new ReplyError(`ERR wrong number of arguments for '${name}' command`);
}
