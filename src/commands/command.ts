import type { Reply } from '../resp/reply';
import type { CommandContext } from './context';

/** Redis command flags, as COMMAND INFO reports them. */
export type CommandFlag = 'write' | 'readonly' | 'fast' | 'admin' | 'noscript' | 'loading' | 'stale' | 'denyoom';

/** Where keys sit in the arguments (Redis's first/last/step; last -1 = to the end; 0/0/0 = none). */
export interface KeySpec {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export const NO_KEYS: KeySpec = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeySpec = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeySpec = { first: 1, last: -1, step: 1 };

/**
 * A command declared as data: the registry checks arity before `run` is called, so `run` may rely on
 * the argument count it declared. `args[0]` is the command name as the client sent it.
 */
export interface CommandSpec {
  /** Lower case. */
  readonly name: string;
  /** Redis convention: N = exactly N arguments including the name, -N = at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys: KeySpec;
  /** Redis command group for COMMAND DOCS: string, set, generic, connection, server, dynkv. */
  readonly group: string;
  readonly summary: string;
  /** Subcommands (CLIENT SETNAME, ...), for COMMAND DOCS and COMMAND INFO. */
  readonly subcommands?: readonly string[];
  readonly run: (ctx: CommandContext, args: readonly Buffer[]) => Reply | Promise<Reply>;
}

/** The keys a call touches, per its KeySpec. */
export function keysOf(spec: CommandSpec, args: readonly Buffer[]): Buffer[] {
  const { first, last, step } = spec.keys;
  if (first === 0) return [];
  const end = last < 0 ? args.length + last : Math.min(last, args.length - 1);
  const keys: Buffer[] = [];
  for (let i = first; i <= end; i += step) keys.push(args[i]);
  return keys;
}
