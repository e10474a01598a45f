import { OK } from '../resp/reply';
import { wrongArity } from './args';
import { CommandSpec } from './command';
import { runSet } from './set';
import { checkKeySize } from '../coordinator/key-limits';
import { checkValueSize } from './string-value';

export const MSET: CommandSpec = {
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: { first: 1, last: -1, step: 2 },
  group: 'string',
  summary: 'Sets several keys; each pair is its own quorum write (not atomic across keys).',
  run: async (ctx, args) => {
    if (args.length % 2 === 0) throw wrongArity('mset');
    // Check every pair first so an oversized value refuses the whole command, not half of it.
    for (let i = 1; i < args.length; i += 2) {
      checkKeySize(args[i]);
      checkValueSize(ctx, args[i + 1].length);
    }
    const writes: Promise<unknown>[] = [];
    for (let i = 1; i < args.length; i += 2) writes.push(runSet(ctx, args[i], args[i + 1], { get: false }, 'mset'));
    await Promise.all(writes);
    return OK;
  },
};
