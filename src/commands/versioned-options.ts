import { ReplyError } from '../lib/errors';
import { VersionVector } from '../versioning/dvvset';
import { InvalidContextError, decodeContext } from '../versioning/context-codec';
import { SYNTAX_ERROR, integerArg } from './args';
import { CommandContext } from './context';
import { ExpiryUnit, deadlineMs } from './expiry-options';

/** Options of VGET/VSET/VDEL: `R r`, `W w`, `CONTEXT ctx`, `EX s`, `PX ms`, each at most once. */
export interface VersionedOptions {
  r?: number;
  w?: number;
  context?: VersionVector;
  expiresAtMs?: number;
}

export type VersionedOptionName = 'R' | 'W' | 'CONTEXT' | 'EX' | 'PX';

export function parseVersionedOptions(
  ctx: CommandContext,
  args: readonly Buffer[],
  from: number,
  accepted: readonly VersionedOptionName[],
  commandName: string,
): VersionedOptions {
  const options: VersionedOptions = {};
  const seen = new Set<string>();
  for (let i = from; i < args.length; i += 2) {
    const word = args[i].toString('latin1').toUpperCase() as VersionedOptionName;
    if (!accepted.includes(word) || seen.has(word) || i + 1 >= args.length) throw new ReplyError(SYNTAX_ERROR);
    if ((word === 'EX' || word === 'PX') && (seen.has('EX') || seen.has('PX'))) throw new ReplyError(SYNTAX_ERROR);
    seen.add(word);
    const value = args[i + 1];
    if (word === 'R') options.r = quorumArg(ctx, 'R', value);
    else if (word === 'W') options.w = quorumArg(ctx, 'W', value);
    else if (word === 'CONTEXT') options.context = contextArg(value);
    else options.expiresAtMs = deadlineMs(word as ExpiryUnit, value, ctx.node.clock.nowMs(), commandName);
  }
  return options;
}

function quorumArg(ctx: CommandContext, name: 'R' | 'W', arg: Buffer): number {
  const value = integerArg(arg);
  const n = ctx.node.config.n;
  if (value < 1 || value > n) throw new ReplyError(`ERR ${name} must be between 1 and N (${n})`);
  return value;
}

function contextArg(arg: Buffer): VersionVector {
  try {
    return decodeContext(arg);
  } catch (err) {
    // InvalidContextError's message already says "invalid context: <why>".
    if (err instanceof InvalidContextError) throw new ReplyError(`ERR ${err.message}`);
    throw new ReplyError(`ERR invalid context: ${(err as Error).message}`);
  }
}
