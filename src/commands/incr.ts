import { ReplyError } from '../lib/errors';
import { INT64_MIN } from '../lib/int64';
import { Reply } from '../resp/reply';
import { NOT_AN_INTEGER, parseInt64 } from './args';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { resultReply } from './string-value';

/** Add `delta` to the counter at `key` (missing = 0, an integer string converts), keeping its TTL, as Redis does. */
async function incrementBy(ctx: CommandContext, key: Buffer, delta: bigint): Promise<Reply> {
  return resultReply((await ctx.node.coordinator.mutate(key, { kind: 'incrby', delta })).result);
}

function deltaArg(arg: Buffer): bigint {
  const delta = parseInt64(arg);
  if (delta === undefined) throw new ReplyError(NOT_AN_INTEGER);
  return delta;
}

const common = { flags: ['write', 'denyoom', 'fast'], keys: ONE_KEY, group: 'string' } as const;

export const INCR: CommandSpec = { ...common, name: 'incr', arity: 2, summary: 'Increments a counter by one (a PN-counter: concurrent increments merge; a plain integer string is converted).', run: (ctx, args) => incrementBy(ctx, args[1], 1n) };

export const DECR: CommandSpec = { ...common, name: 'decr', arity: 2, summary: 'Decrements the integer value of a key by one.', run: (ctx, args) => incrementBy(ctx, args[1], -1n) };

export const INCRBY: CommandSpec = {
  ...common,
  name: 'incrby',
  arity: 3,
  summary: 'Increments the integer value of a key by a number.',
  run: (ctx, args) => incrementBy(ctx, args[1], deltaArg(args[2])),
};

export const DECRBY: CommandSpec = {
  ...common,
  name: 'decrby',
  arity: 3,
  summary: 'Decrements the integer value of a key by a number.',
  run: (ctx, args) => {
    const delta = deltaArg(args[2]);
    // -INT64_MIN does not fit an int64: Redis refuses it the same way.
    if (delta === INT64_MIN) throw new ReplyError('ERR decrement would overflow');
    return incrementBy(ctx, args[1], -delta);
  },
};
