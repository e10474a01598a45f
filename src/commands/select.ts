/**
 * SELECT index: dynkv has one keyspace, database 0. Clients that always send SELECT 0 (some do on
 * connect) work; any other index is refused with Redis's own out-of-range wording.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { integerArg } from './args';
import { ReplyError } from '../lib/errors';
import { OK } from '../resp/reply';

export const SELECT: CommandSpec = {
  name: 'select',
  arity: 2,
  flags: ['fast', 'stale', 'loading'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Changes the selected database (only database 0 exists in dynkv).',
  run: (_ctx, args) => {
    const index = integerArg(args[1]);
    if (index !== 0) throw new ReplyError('ERR DB index is out of range');
    return OK;
  },
};
