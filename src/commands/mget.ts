import { NULL, array, bulk } from '../resp/reply';
import { ALL_KEYS, CommandSpec } from './command';
import { visibleValue } from './string-value';

export const MGET: CommandSpec = {
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: ALL_KEYS,
  group: 'string',
  summary: 'Gets the values of several keys (one quorum read per key).',
  run: async (ctx, args) => {
    const sets = await Promise.all(args.slice(1).map((key) => ctx.node.coordinator.read(key)));
    const nowMs = ctx.node.clock.nowMs();
    return array(
      sets.map((set) => {
        const value = visibleValue(set, nowMs);
        ctx.node.stats.recordHit(value !== undefined);
        return value ? bulk(value.data) : NULL;
      }),
    );
  },
};
