import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { putVersion, visibleValue } from './string-value';

export const PERSIST: CommandSpec = {
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  keys: ONE_KEY,
  group: 'generic',
  summary: 'Removes the expiry of a key; 1 if it had one.',
  run: async (ctx, args) => {
    const { result } = await ctx.node.coordinator.mutate<number>(args[1], (current, nowMs) => {
      const existing = visibleValue(current, nowMs);
      if (!existing || existing.expiresAtMs === 0) return { result: 0 };
      return { write: putVersion(existing.data, 0), context: 'current', result: 1 };
    });
    return integer(result);
  },
};
