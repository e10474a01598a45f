import { CommandSpec, ONE_KEY } from './command';
import { resultReply } from './string-value';

export const PERSIST: CommandSpec = {
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  keys: ONE_KEY,
  group: 'generic',
  summary: 'Removes the expiry of a key; 1 if it had one.',
  run: async (ctx, args) => resultReply((await ctx.node.coordinator.mutate(args[1], { kind: 'persist' })).result),
};
