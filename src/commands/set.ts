import { ReplyError } from '../lib/errors';
import { NULL, OK, Reply, bulk } from '../resp/reply';
import { SYNTAX_ERROR } from './args';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { ExpiryUnit, deadlineMs } from './expiry-options';
import { checkValueSize, putVersion, visibleValue } from './string-value';

/** SET's options after parsing: at most one expiry form, at most one of NX/XX. */
export interface SetOptions {
  readonly expiry?: { readonly unit: ExpiryUnit; readonly arg: Buffer } | 'KEEPTTL';
  readonly condition?: 'NX' | 'XX';
  readonly get: boolean;
}

export function parseSetOptions(args: readonly Buffer[], from: number): SetOptions {
  let expiry: SetOptions['expiry'];
  let condition: SetOptions['condition'];
  let get = false;
  for (let i = from; i < args.length; i++) {
    const word = args[i].toString('latin1').toUpperCase();
    if ((word === 'NX' || word === 'XX') && condition === undefined) condition = word;
    else if (word === 'GET' && !get) get = true;
    else if (word === 'KEEPTTL' && expiry === undefined) expiry = 'KEEPTTL';
    else if ((word === 'EX' || word === 'PX' || word === 'EXAT' || word === 'PXAT') && expiry === undefined && i + 1 < args.length) {
      expiry = { unit: word, arg: args[++i] };
    } else throw new ReplyError(SYNTAX_ERROR);
  }
  return { expiry, condition, get };
}

/**
 * SET as Redis has it, over a quorum write that supersedes every version the coordinator has seen.
 * NX/XX and GET are decided on what the coordinator read: best effort, not linearizable, in a cluster.
 */
export async function runSet(ctx: CommandContext, key: Buffer, value: Buffer, options: SetOptions, commandName: string): Promise<Reply> {
  checkValueSize(ctx, value.length);
  const { expiry } = options;
  // Validate the expiry before touching anything, so a bad time never writes.
  const requestedDeadlineMs =
    expiry === undefined || expiry === 'KEEPTTL' ? 0 : deadlineMs(expiry.unit, expiry.arg, ctx.node.clock.nowMs(), commandName);
  const { result } = await ctx.node.coordinator.mutate(key, (current, nowMs) => {
    const existing = visibleValue(current, nowMs);
    const previous: Reply = existing ? bulk(existing.data) : NULL;
    const blocked = (options.condition === 'NX' && existing) || (options.condition === 'XX' && !existing);
    if (blocked) return { result: options.get ? previous : NULL };
    const expiresAtMs = expiry === 'KEEPTTL' ? (existing?.expiresAtMs ?? 0) : requestedDeadlineMs;
    return { write: putVersion(value, expiresAtMs), context: 'current', result: options.get ? previous : OK };
  });
  return result;
}

export const SET: CommandSpec = {
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Sets the string value of a key (quorum write), with optional expiry and NX/XX/GET.',
  run: (ctx, args) => runSet(ctx, args[1], args[2], parseSetOptions(args, 3), 'set'),
};
