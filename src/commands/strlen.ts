import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { visibleValue } from './string-value';

export const STRLEN: CommandSpec = {
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Returns the length of the value of a key (0 if missing).',
  run: async (ctx, args) => {
    const value = visibleValue(await ctx.node.coordinator.read(args[1]), ctx.node.clock.nowMs());
    return integer(value ? value.data.length : 0);
  },
};
