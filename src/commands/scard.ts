import { memberCount } from '../datatypes/orswot';
import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { readSet } from './set-value';

export const SCARD: CommandSpec = {
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'set',
  summary: 'Returns the number of members of a set (0 if missing).',
  run: async (ctx, args) => integer(memberCount(await readSet(ctx, args[1]))),
};
