import { simple } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { visibleValue } from './string-value';

export const TYPE: CommandSpec = {
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'generic',
  summary: 'Returns the type of a key: string, or none.',
  run: async (ctx, args) => {
    const value = visibleValue(await ctx.node.coordinator.read(args[1]), ctx.node.clock.nowMs());
    return simple(value ? 'string' : 'none');
  },
};
