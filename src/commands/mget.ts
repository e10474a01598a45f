import { NULL, array, bulk } from '../resp/reply';
import { ALL_KEYS, CommandSpec } from './command';
import { stringOrNil } from '../datatypes/key-type';
import { keyValue } from './string-value';

export const MGET: CommandSpec = {
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: ALL_KEYS,
  group: 'string',
  summary: 'Gets the values of several keys (one quorum read per key).',
  run: async (ctx, args) => {
    const sets = await Promise.all(args.slice(1).map((key) => ctx.node.coordinator.read(key)));
    return array(
      sets.map((set) => {
        // A set reads as nil here, as in Redis.
        const data = stringOrNil(keyValue(ctx, set));
        ctx.node.stats.recordHit(data !== undefined);
        return data ? bulk(data) : NULL;
      }),
    );
  },
};
