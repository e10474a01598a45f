import { NULL, array, bulk } from '../resp/reply';
import { encodeContext } from '../versioning/context-codec';
import { join, siblings } from '../versioning/dvvset';
import { wrongType } from '../datatypes/key-type';
import { siblingText } from '../datatypes/value';
import { keyValue } from './string-value';
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
    // A set's siblings are no strings to reconcile; a counter sibling shows its value.
    if (keyValue(ctx, set).kind === 'set') throw wrongType();
    const values = siblings(set).map(({ version }) => {
      const text = siblingText(version, nowMs);
      return text ? bulk(text) : NULL;
    });
    return array([bulk(encodeContext(join(set))), array(values)]);
  },
};
