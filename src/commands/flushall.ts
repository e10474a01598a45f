/**
 * FLUSHALL / FLUSHDB [ASYNC|SYNC]: remove every key in the whole cluster (there is only db 0, so
 * both are the same). The coordinator makes the flush stick: a hint or anti-entropy from a node
 * that missed it must not bring keys back. ASYNC and SYNC both answer once the flush is done.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { SYNTAX_ERROR, isWord } from './args';
import { ReplyError } from '../lib/errors';
import { OK, type Reply } from '../resp/reply';
import type { CommandContext } from './context';

async function flush(ctx: CommandContext, args: readonly Buffer[]): Promise<Reply> {
  if (args.length > 2 || (args.length === 2 && !isWord(args[1], 'async') && !isWord(args[1], 'sync'))) {
    throw new ReplyError(SYNTAX_ERROR);
  }
  await ctx.node.coordinator.flushAll();
  return OK;
}

export const FLUSHALL: CommandSpec = {
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Removes all keys from the whole cluster.',
  run: flush,
};

export const FLUSHDB: CommandSpec = {
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Removes all keys from the whole cluster (dynkv has only database 0).',
  run: flush,
};
