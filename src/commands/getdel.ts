import { CommandSpec, ONE_KEY } from './command';
import { resultReply } from './string-value';

export const GETDEL: CommandSpec = {
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Returns the value of a key and deletes it.',
  run: async (ctx, args) => resultReply((await ctx.node.coordinator.mutate(args[1], { kind: 'getdel' })).result),
};
