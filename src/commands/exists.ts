import { integer } from '../resp/reply';
import { ALL_KEYS, CommandSpec } from './command';
import { isPresent } from '../datatypes/value';
import { keyValue } from './string-value';

export const EXISTS: CommandSpec = {
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: ALL_KEYS,
  group: 'generic',
  summary: 'Counts how many of the given keys exist (a key named twice counts twice).',
  run: async (ctx, args) => {
    const sets = await Promise.all(args.slice(1).map((key) => ctx.node.coordinator.read(key)));
    return integer(sets.filter((set) => isPresent(keyValue(ctx, set))).length);
  },
};
