/** ECHO message: the message back as a bulk string, bytes unchanged. */
import { NO_KEYS, type CommandSpec } from './command';
import { bulk } from '../resp/reply';

export const ECHO: CommandSpec = {
  name: 'echo',
  arity: 2,
  flags: ['fast', 'stale', 'loading'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Returns the given string.',
  run: (_ctx, args) => bulk(args[1]),
};
