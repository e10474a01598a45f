/**
 * QUIT: answer OK, then the connection layer closes the socket once that reply is written
 * (Redis 7.2 still accepts QUIT; clients such as node-redis send it on a graceful close).
 */
import { NO_KEYS, type CommandSpec } from './command';
import { OK } from '../resp/reply';

export const QUIT: CommandSpec = {
  name: 'quit',
  arity: -1,
  flags: ['fast', 'stale', 'loading', 'noscript'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Closes the connection.',
  run: ({ client }) => {
    client.closeAfterReply = true;
    return OK;
  },
};
