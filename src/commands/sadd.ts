import { CommandSpec, ONE_KEY } from './command';
import { resultReply } from './string-value';

export const SADD: CommandSpec = {
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  keys: ONE_KEY,
  group: 'set',
  summary: 'Adds members to a set (add-wins: a concurrent SREM elsewhere does not undo it); answers how many were new.',
  run: async (ctx, args) => resultReply((await ctx.node.coordinator.mutate(args[1], { kind: 'sadd', members: args.slice(2) })).result),
};
