import { hasMember } from '../datatypes/orswot';
import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { readSet } from './set-value';

export const SISMEMBER: CommandSpec = {
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'set',
  summary: 'Answers 1 if the member is in the set, else 0.',
  run: async (ctx, args) => integer(hasMember(await readSet(ctx, args[1]), args[2]) ? 1 : 0),
};
