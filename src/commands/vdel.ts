import { bulk } from '../resp/reply';
import { EMPTY_VERSION_VECTOR } from '../versioning/dvvset';
import { encodeContext } from '../versioning/context-codec';
import { CommandSpec, ONE_KEY } from './command';
import { parseVersionedOptions } from './versioned-options';

export const VDEL: CommandSpec = {
  name: 'vdel',
  arity: -2,
  flags: ['write'],
  keys: ONE_KEY,
  group: 'dynkv',
  summary: 'VDEL key [CONTEXT ctx] [W w]: a tombstone superseding what ctx covers.',
  run: async (ctx, args) => {
    const options = parseVersionedOptions(ctx, args, 2, ['CONTEXT', 'W'], 'vdel');
    const written = await ctx.node.coordinator.mutate(args[1], { kind: 'vdel', context: options.context ?? EMPTY_VERSION_VECTOR }, { w: options.w });
    return bulk(encodeContext(written.context));
  },
};
