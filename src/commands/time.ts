/**
 * TIME: the node's wall clock as [unix seconds, microseconds], both bulk strings as in Redis.
 * Read from the injected clock so tests and the simulator control it.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { array, bulk } from '../resp/reply';

const USEC_PER_SECOND = 1_000_000;

export const TIME: CommandSpec = {
  name: 'time',
  arity: 1,
  flags: ['fast', 'stale', 'loading'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Returns the server time.',
  run: ({ node }) => {
    // Whole microseconds since the epoch stay below 2^53 until the year 2255, so this is exact.
    const totalUsec = Math.floor(node.clock.nowMs() * 1000);
    const seconds = Math.floor(totalUsec / USEC_PER_SECOND);
    const micros = totalUsec - seconds * USEC_PER_SECOND;
    return array([bulk(String(seconds)), bulk(String(micros))]);
  },
};
