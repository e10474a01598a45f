import { memberBytes } from '../datatypes/orswot';
import { array, bulk } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { readSet } from './set-value';

export const SMEMBERS: CommandSpec = {
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  keys: ONE_KEY,
  group: 'set',
  summary: 'Returns every member of a set (quorum read, siblings merged; order unspecified).',
  run: async (ctx, args) => array([...(await readSet(ctx, args[1])).members.keys()].map((member) => bulk(memberBytes(member)))),
};
