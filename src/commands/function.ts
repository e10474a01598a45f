/**
 * FUNCTION FLUSH [ASYNC|SYNC]: dynkv has no server-side functions, so there is nothing to flush
 * and the answer is OK (test suites and tools call it between runs). FUNCTION HELP lists what is
 * supported; every other subcommand (LOAD, LIST, ...) gets Redis's unknown-subcommand error.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { isWord, lowerName } from './args';
import { ReplyError } from '../lib/errors';
import { OK, array, simple } from '../resp/reply';

const HELP_LINES = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries and functions (dynkv has none, so this does nothing).',
  'HELP',
  '    Print this help.',
];

export const FUNCTION: CommandSpec = {
  name: 'function',
  arity: -2,
  flags: ['noscript'],
  keys: NO_KEYS,
  group: 'scripting',
  summary: 'Manages server-side functions (dynkv has none: only FLUSH and HELP).',
  subcommands: ['flush', 'help'],
  run: (_ctx, args) => {
    const sub = lowerName(args[1]);
    if (sub === 'flush') {
      if (args.length > 3) throw new ReplyError("ERR wrong number of arguments for 'function|flush' command");
      if (args.length === 3 && !isWord(args[2], 'async') && !isWord(args[2], 'sync')) {
        throw new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      }
      return OK;
    }
    if (sub === 'help') {
      if (args.length > 2) throw new ReplyError("ERR wrong number of arguments for 'function|help' command");
      return array(HELP_LINES.map(simple));
    }
    throw new ReplyError(`ERR unknown subcommand '${args[1].toString('latin1')}'. Try FUNCTION HELP.`);
  },
};
