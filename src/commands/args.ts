import { ReplyError } from '../lib/errors';
import { parseInt64 } from '../lib/int64';

export { parseInt64 };

/** Argument parsing shared by commands, with Redis's error wording. */

export const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX_ERROR = 'ERR syntax error';

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
