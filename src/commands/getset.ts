import { CommandSpec, ONE_KEY } from './command';
import { runSet } from './set';

export const GETSET: CommandSpec = {
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Sets a new value and returns the old one (the TTL is cleared, as in Redis).',
  run: (ctx, args) => runSet(ctx, args[1], args[2], { get: true }, 'getset'),
};
