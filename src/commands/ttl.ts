import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { expiryOf, isPresent } from '../datatypes/value';
import { keyValue } from './string-value';

/** -2 when the key does not exist, -1 when it has no expiry, else the time left in ms. */
async function remainingMs(ctx: CommandContext, key: Buffer): Promise<number> {
  const nowMs = ctx.node.clock.nowMs();
  const value = keyValue(ctx, await ctx.node.coordinator.read(key));
  if (!isPresent(value)) return -2;
  const expiresAtMs = expiryOf(value);
  if (expiresAtMs === 0) return -1;
  return Math.max(0, expiresAtMs - nowMs);
}

const common = { arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, group: 'generic' } as const;

export const TTL: CommandSpec = {
  ...common,
  name: 'ttl',
  summary: 'Returns the time to live of a key in seconds (-1 no expiry, -2 no key).',
  run: async (ctx, args) => {
    const ms = await remainingMs(ctx, args[1]);
    // Redis rounds to the nearest second.
    return integer(ms < 0 ? ms : Math.floor((ms + 500) / 1000));
  },
};

export const PTTL: CommandSpec = {
  ...common,
  name: 'pttl',
  summary: 'Returns the time to live of a key in milliseconds (-1 no expiry, -2 no key).',
  run: async (ctx, args) => integer(await remainingMs(ctx, args[1])),
};
