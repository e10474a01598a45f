import { NULL, Reply, bulk } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { TOMBSTONE, visibleValue } from './string-value';

export const GETDEL: CommandSpec = {
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Returns the value of a key and deletes it.',
  run: async (ctx, args) => {
    const { result } = await ctx.node.coordinator.mutate<Reply>(args[1], (current, nowMs) => {
      const existing = visibleValue(current, nowMs);
      if (!existing) return { result: NULL };
      return { write: TOMBSTONE, context: 'current', result: bulk(existing.data) };
    });
    return result;
  },
};
