import { simple } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { typeName } from '../datatypes/key-type';
import { keyValue } from './string-value';

export const TYPE: CommandSpec = {
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'generic',
  summary: 'Returns the type of a key: string (counters too), set, or none.',
  run: async (ctx, args) => simple(typeName(keyValue(ctx, await ctx.node.coordinator.read(args[1])))),
};
