import { stringView } from '../datatypes/key-type';
import { NULL, Reply, bulk } from '../resp/reply';
import type { DvvSet } from '../versioning/dvvset';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { keyValue } from './string-value';

function answer(ctx: CommandContext, set: DvvSet): Reply {
  // A counter reads as its decimal value; a set is WRONGTYPE.
  const data = stringView(keyValue(ctx, set));
  ctx.node.stats.recordHit(data !== undefined);
  return data ? bulk(data) : NULL;
}

export const GET: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Gets the value of a key: a quorum read, the last-writer-wins pick among siblings (a counter: its merged value).',
  // Not async: a read the local replica answers completes without a promise (the hot path).
  run: (ctx, args) => {
    const set = ctx.node.coordinator.read(args[1]);
    return set instanceof Promise ? set.then((merged) => answer(ctx, merged)) : answer(ctx, set);
  },
};
