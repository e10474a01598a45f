/**
 * CONFIG GET pattern [pattern ...]: Redis-style glob lookup (case-insensitive) over a small table —
 * the parameters redis-benchmark and client libraries ask for, answered truthfully for dynkv, plus
 * dynkv's own options under their flag names. Settings are fixed at start: CONFIG SET and CONFIG
 * REWRITE are refused (restart the node with the flag instead).
 */
import { NO_KEYS, type CommandSpec } from './command';
import { lowerName } from './args';
import type { CommandContext, NodeServices, StatsView } from './context';
import { ReplyError } from '../lib/errors';
import { OK, array, bulk, map, simple, type Reply } from '../resp/reply';

type Token = { readonly kind: 'star' } | { readonly kind: 'char'; readonly test: (c: string) => boolean };

/** Split a glob into tokens: '*', '?', '[...]' classes (with '^' and ranges), '\' escapes, literals. */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'char', test: () => true });
    } else if (c === '[') {
      const negate = pattern[i + 1] === '^';
      let j = negate ? i + 2 : i + 1;
      const members: Array<[string, string]> = [];
      // Like Redis, an unclosed class runs to the end of the pattern.
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        if (pattern[j] === '\\' && j + 1 < pattern.length) members.push([pattern[++j], pattern[j]]);
        else if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
          const [a, b] = [pattern[j], pattern[j + 2]];
          members.push(a <= b ? [a, b] : [b, a]);
          j += 2;
        } else members.push([pattern[j], pattern[j]]);
      }
      i = j;
      tokens.push({ kind: 'char', test: (ch) => members.some(([lo, hi]) => ch >= lo && ch <= hi) !== negate });
    } else {
      const literal = c === '\\' && i + 1 < pattern.length ? pattern[++i] : c;
      tokens.push({ kind: 'char', test: (ch) => ch === literal });
    }
  }
  return tokens;
}

/**
 * Redis's glob (stringmatch) without case: the usual greedy match that backtracks only to the most
 * recent '*', so a hostile pattern costs O(pattern × text), never exponential time.
 */
export function globMatch(pattern: string, text: string): boolean {
  const tokens = tokenize(pattern.toLowerCase());
  const subject = text.toLowerCase();
  let t = 0;
  let s = 0;
  let starToken = -1;
  let starSubject = 0;
  while (s < subject.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === 'star') {
      starToken = t++;
      starSubject = s;
    } else if (token !== undefined && token.test(subject[s])) {
      t++;
      s++;
    } else if (starToken >= 0) {
      t = starToken + 1;
      s = ++starSubject;
    } else {
      return false;
    }
  }
  while (t < tokens.length && tokens[t].kind === 'star') t++;
  return t === tokens.length;
}

/** Parameter name → its value; order is the reply order. */
const PARAMETERS: ReadonlyArray<readonly [string, (node: NodeServices) => string]> = [
  // What Redis clients and redis-benchmark look at.
  ['save', () => ''],
  ['appendonly', () => 'no'],
  ['appendfsync', (node) => (node.config.durability === 'fsync' ? 'always' : 'everysec')],
  ['databases', () => '1'],
  ['maxmemory', () => '0'],
  ['maxmemory-policy', () => 'noeviction'],
  ['timeout', () => '0'],
  ['port', (node) => String(node.config.port)],
  ['bind', (node) => node.config.host],
  ['maxclients', (node) => String(node.config.maxClients)],
  ['proto-max-bulk-len', (node) => String(node.config.maxValueBytes)],
  ['cluster-enabled', () => 'no'],
  ['dir', (node) => node.config.dataDir],
  // dynkv's own options, named as their command-line flags.
  ['node-id', (node) => node.nodeId],
  ['peer-port', (node) => String(node.config.peerPort)],
  ['seeds', (node) => node.config.seeds.join(',')],
  ['n', (node) => String(node.config.n)],
  ['r', (node) => String(node.config.r)],
  ['w', (node) => String(node.config.w)],
  ['partitions', (node) => String(node.config.partitions)],
  ['request-timeout', (node) => String(node.config.requestTimeoutMs)],
  ['max-value-bytes', (node) => String(node.config.maxValueBytes)],
  ['max-data-bytes', (node) => String(node.config.maxDataBytes)],
  ['durability', (node) => node.config.durability],
];

function configGet({ node }: CommandContext, args: readonly Buffer[]): Reply {
  const patterns = args.slice(2).map((arg) => arg.toString('latin1'));
  // One entry per parameter even when several patterns match it, as Redis 7 does.
  const entries = PARAMETERS.filter(([name]) => patterns.some((pattern) => globMatch(pattern, name))).map(
    ([name, value]) => [bulk(name), bulk(value(node))] as const,
  );
  return map(entries);
}

const HELP_LINES = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern> [<pattern> ...]',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Not supported by dynkv: restart the node with the flag.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'HELP',
  '    Print this help.',
];

/** Subcommand → [Redis arity counting CONFIG and the subcommand, handler]. */
const SUBCOMMANDS: Readonly<Record<string, readonly [number, (ctx: CommandContext, args: readonly Buffer[]) => Reply]>> = {
  get: [-3, configGet],
  set: [-4, () => {
    throw new ReplyError('ERR CONFIG SET is not supported by dynkv; restart the node with the flag');
  }],
  rewrite: [2, () => {
    throw new ReplyError('ERR CONFIG REWRITE is not supported by dynkv; options come from flags, environment and --config');
  }],
  resetstat: [2, ({ node }) => {
    // StatsView has no reset; ServerStats does. Refuse rather than claim a reset that did not happen.
    const stats: StatsView & { reset?: () => void } = node.stats;
    if (typeof stats.reset !== 'function') throw new ReplyError('ERR CONFIG RESETSTAT is not supported by this node');
    stats.reset();
    return OK;
  }],
  help: [2, () => array(HELP_LINES.map((line) => simple(line)))],
};

export const CONFIG: CommandSpec = {
  name: 'config',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Reads configuration parameters (read-only in dynkv).',
  subcommands: Object.keys(SUBCOMMANDS),
  run: (ctx, args) => {
    const sub = lowerName(args[1]);
    const entry = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (entry === undefined) throw new ReplyError(`ERR unknown subcommand '${args[1].toString('latin1')}'. Try CONFIG HELP.`);
    const [arity, handler] = entry;
    if (arity >= 0 ? args.length !== arity : args.length < -arity) {
      throw new ReplyError(`ERR wrong number of arguments for 'config|${sub}' command`);
    }
    return handler(ctx, args);
  },
};
