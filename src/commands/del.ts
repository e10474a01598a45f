import { integer } from '../resp/reply';
import { ALL_KEYS, CommandSpec } from './command';
import { CommandContext } from './context';

/** Delete one key: a tombstone superseding what the coordinator saw. Resolves 1 if it existed. */
export async function deleteKey(ctx: CommandContext, key: Buffer): Promise<number> {
  const { result } = await ctx.node.coordinator.mutate(key, { kind: 'delete' });
  return result.kind === 'integer' ? Number(result.value) : 0;
}

export const DEL: CommandSpec = {
  name: 'del',
  arity: -2,
  flags: ['write'],
  keys: ALL_KEYS,
  group: 'generic',
  summary: 'Deletes keys (each a separate quorum write; not atomic across keys).',
  run: async (ctx, args) => {
    const removed = await Promise.all(args.slice(1).map((key) => deleteKey(ctx, key)));
    return integer(removed.reduce((sum, n) => sum + n, 0));
  },
};
