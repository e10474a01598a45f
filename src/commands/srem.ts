import { CommandSpec, ONE_KEY } from './command';
import { resultReply } from './string-value';

export const SREM: CommandSpec = {
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  keys: ONE_KEY,
  group: 'set',
  summary: 'Removes members from a set, only the adds it observed (a quorum read); removing the last deletes the key.',
  run: async (ctx, args) => resultReply((await ctx.node.coordinator.mutate(args[1], { kind: 'srem', members: args.slice(2) })).result),
};
