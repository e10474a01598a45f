import { NULL, bulk } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { visibleValue } from './string-value';

export const GET: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Gets the value of a key: a quorum read, the last-writer-wins pick among siblings.',
  run: async (ctx, args) => {
    const set = await ctx.node.coordinator.read(args[1]);
    const value = visibleValue(set, ctx.node.clock.nowMs());
    ctx.node.stats.recordHit(value !== undefined);
    return value ? bulk(value.data) : NULL;
  },
};
