import { CommandSpec, ONE_KEY } from './command';
import { resultReply } from './string-value';

export const APPEND: CommandSpec = {
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Appends a string to the value of a key (keeps its TTL); creates the key if missing.',
  run: async (ctx, args) => resultReply((await ctx.node.coordinator.mutate(args[1], { kind: 'append', suffix: args[2] })).result),
};
