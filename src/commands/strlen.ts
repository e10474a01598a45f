import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { stringView } from '../datatypes/key-type';
import { keyValue } from './string-value';

export const STRLEN: CommandSpec = {
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Returns the length of the value of a key (0 if missing).',
  run: async (ctx, args) => {
    const data = stringView(keyValue(ctx, await ctx.node.coordinator.read(args[1])));
    return integer(data ? data.length : 0);
  },
};
