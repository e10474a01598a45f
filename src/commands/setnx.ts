import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { runSet } from './set';

export const SETNX: CommandSpec = {
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Sets the value of a key only if it does not exist (decided on a quorum read).',
  run: async (ctx, args) => {
    const reply = await runSet(ctx, args[1], args[2], { condition: 'NX', get: false }, 'setnx');
    return integer(reply.kind === 'simple' ? 1 : 0);
  },
};
