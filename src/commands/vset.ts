import { bulk } from '../resp/reply';
import { EMPTY_VERSION_VECTOR } from '../versioning/dvvset';
import { encodeContext } from '../versioning/context-codec';
import { CommandSpec, ONE_KEY } from './command';
import { checkValueSize } from './string-value';
import { parseVersionedOptions } from './versioned-options';

export const VSET: CommandSpec = {
  name: 'vset',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: ONE_KEY,
  group: 'dynkv',
  summary: 'VSET key value [CONTEXT ctx] [W w] [EX s|PX ms]: a version superseding exactly what ctx covers.',
  run: async (ctx, args) => {
    checkValueSize(ctx, args[2].length);
    const options = parseVersionedOptions(ctx, args, 3, ['CONTEXT', 'W', 'EX', 'PX'], 'vset');
    const written = await ctx.node.coordinator.mutate(
      args[1],
      { kind: 'vset', value: args[2], context: options.context ?? EMPTY_VERSION_VECTOR, expiresAtMs: options.expiresAtMs ?? 0 },
      { w: options.w },
    );
    return bulk(encodeContext(written.context));
  },
};
