import { NULL, array, bulk } from '../resp/reply';
import { encodeContext } from '../versioning/context-codec';
import { join, siblings } from '../versioning/dvvset';
import { isLive } from '../versioning/lww';
import { CommandSpec, ONE_KEY } from './command';
import { parseVersionedOptions } from './versioned-options';

export const VGET: CommandSpec = {
  name: 'vget',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: ONE_KEY,
  group: 'dynkv',
  summary: 'VGET key [R r]: [context, siblings]; every concurrent version, a deleted one as nil.',
  run: async (ctx, args) => {
    const options = parseVersionedOptions(ctx, args, 2, ['R'], 'vget');
    const set = await ctx.node.coordinator.read(args[1], { r: options.r });
    const nowMs = ctx.node.clock.nowMs();
    const values = siblings(set).map(({ version }) => (isLive(version, nowMs) ? bulk(version.data) : NULL));
    return array([bulk(encodeContext(join(set))), array(values)]);
  },
};
