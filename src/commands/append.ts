import { integer } from '../resp/reply';
import { CommandSpec, ONE_KEY } from './command';
import { checkValueSize, putVersion, visibleValue } from './string-value';

export const APPEND: CommandSpec = {
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Appends a string to the value of a key (keeps its TTL); creates the key if missing.',
  run: async (ctx, args) => {
    const { result } = await ctx.node.coordinator.mutate<number>(args[1], (current, nowMs) => {
      const existing = visibleValue(current, nowMs);
      const data = existing ? Buffer.concat([existing.data, args[2]]) : Buffer.from(args[2]);
      checkValueSize(ctx, data.length);
      return { write: putVersion(data, existing?.expiresAtMs ?? 0), context: 'current', result: data.length };
    });
    return integer(result);
  },
};
