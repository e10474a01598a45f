import { NULL, Reply, bulk } from '../resp/reply';
import type { DvvSet } from '../versioning/dvvset';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { visibleValue } from './string-value';

function answer(ctx: CommandContext, set: DvvSet): Reply {
  const value = visibleValue(set, ctx.node.clock.nowMs());
  ctx.node.stats.recordHit(value !== undefined);
  return value ? bulk(value.data) : NULL;
}

export const GET: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Gets the value of a key: a quorum read, the last-writer-wins pick among siblings.',
  // Not async: a read the local replica answers completes without a promise (the hot path).
  run: (ctx, args) => {
    const set = ctx.node.coordinator.read(args[1]);
    return set instanceof Promise ? set.then((merged) => answer(ctx, merged)) : answer(ctx, set);
  },
};
