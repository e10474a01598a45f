/** PING [message]: +PONG, or the message echoed back as a bulk string (Redis behaviour). */
import { NO_KEYS, type CommandSpec } from './command';
import { wrongArity } from './args';
import { bulk, simple } from '../resp/reply';

export const PING: CommandSpec = {
  name: 'ping',
  arity: -1,
  flags: ['fast', 'stale', 'loading'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Returns the server\'s liveliness response.',
  run: (_ctx, args) => {
    if (args.length > 2) throw wrongArity('ping');
    return args.length === 2 ? bulk(args[1]) : simple('PONG');
  },
};
