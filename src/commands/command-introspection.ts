/**
 * COMMAND [COUNT | LIST | INFO | DOCS | GETKEYS | HELP]: the command table described in Redis 7's
 * reply shapes, built from the CommandSpecs themselves so it can never disagree with what the node
 * runs. redis-cli asks for DOCS on start (for hints); cluster-aware clients read INFO for key positions.
 */
import { NO_KEYS, type CommandSpec, keysOf } from './command';
import { lowerName } from './args';
import type { CommandContext } from './context';
import { globMatch } from './config';
import { ReplyError } from '../lib/errors';
import { NULL, array, bulk, integer, map, simple, type Reply } from '../resp/reply';

const set = (items: readonly Reply[]): Reply => ({ kind: 'set', items });
const GROUP_CATEGORY: Readonly<Record<string, string>> = {
  string: '@string', set: '@set', generic: '@keyspace', connection: '@connection', scripting: '@scripting',
};

/** ACL categories derived from flags and group, in Redis's order (read/write, type, admin, speed). */
function categoriesOf(spec: CommandSpec): string[] {
  const categories: string[] = [];
  if (spec.flags.includes('write')) categories.push('@write');
  if (spec.flags.includes('readonly')) categories.push('@read');
  const groupCategory = GROUP_CATEGORY[spec.group];
  if (groupCategory !== undefined) categories.push(groupCategory);
  if (spec.flags.includes('admin')) categories.push('@admin', '@dangerous');
  categories.push(spec.flags.includes('fast') ? '@fast' : '@slow');
  return categories;
}

/** The Redis 7 key specification equivalent to the legacy first/last/step triple. */
function keySpecsOf(spec: CommandSpec): Reply[] {
  const { first, last, step } = spec.keys;
  if (first === 0) return [];
  const access = spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'];
  return [
    map([
      [bulk('flags'), set(access.map((flag) => simple(flag)))],
      [bulk('begin_search'), map([[bulk('type'), bulk('index')], [bulk('spec'), map([[bulk('index'), integer(first)]])]])],
      [
        bulk('find_keys'),
        map([
          [bulk('type'), bulk('range')],
          [
            bulk('spec'),
            map([
              // lastkey counts from the first key; a negative one counts from the end, as in the triple.
              [bulk('lastkey'), integer(last < 0 ? last : last - first)],
              [bulk('keystep'), integer(step)],
              [bulk('limit'), integer(0)],
            ]),
          ],
        ]),
      ],
    ]),
  ];
}

/**
 * The 10-element COMMAND INFO entry. Subcommand arity is not declared per subcommand, so it is
 * reported as -2 (at least the container name and the subcommand), which is always true.
 */
function infoOf(spec: CommandSpec): Reply {
  const subcommands = (spec.subcommands ?? []).map((sub) =>
    array([
      bulk(`${spec.name}|${sub}`), integer(-2), set(spec.flags.map((flag) => simple(flag))),
      integer(0), integer(0), integer(0), set(categoriesOf(spec).map((c) => simple(c))), array([]), array([]), array([]),
    ]),
  );
  return array([
    bulk(spec.name), integer(spec.arity), set(spec.flags.map((flag) => simple(flag))),
    integer(spec.keys.first), integer(spec.keys.last), integer(spec.keys.step),
    set(categoriesOf(spec).map((c) => simple(c))), array([]), array(keySpecsOf(spec)), array(subcommands),
  ]);
}

/** DOCS entry: the always-present summary/since/group (since = this dynkv version), plus subcommands. */
function docsOf(spec: CommandSpec, version: string): Reply {
  const entries: Array<readonly [Reply, Reply]> = [
    [bulk('summary'), bulk(spec.summary)],
    [bulk('since'), bulk(version)],
    [bulk('group'), bulk(spec.group)],
  ];
  if (spec.subcommands !== undefined && spec.subcommands.length > 0) {
    const subDocs = spec.subcommands.map((sub) => {
      const doc = map([
        [bulk('summary'), bulk(`${spec.name.toUpperCase()} ${sub.toUpperCase()}`)],
        [bulk('since'), bulk(version)],
        [bulk('group'), bulk(spec.group)],
      ]);
      return [bulk(`${spec.name}|${sub}`), doc] as const;
    });
    entries.push([bulk('subcommands'), map(subDocs)]);
  }
  return map(entries);
}

/** "name" or "container|sub" (as Redis accepts in COMMAND INFO/DOCS), or undefined if unknown. */
function lookup(ctx: CommandContext, arg: Buffer): CommandSpec | undefined {
  const [name, sub] = lowerName(arg).split('|', 2);
  const spec = ctx.node.commands.get(name);
  if (sub === undefined || spec === undefined) return spec;
  if (!spec.subcommands?.includes(sub)) return undefined;
  return { ...spec, name: `${name}|${sub}`, arity: -2, keys: NO_KEYS, subcommands: [] };
}

function listNames(ctx: CommandContext, args: readonly Buffer[]): Reply {
  const names = ctx.node.commands.all().flatMap((spec) => [spec.name, ...(spec.subcommands ?? []).map((sub) => `${spec.name}|${sub}`)]);
  if (args.length === 2) return array(names.map((name) => bulk(name)));
  if (args.length !== 5 || lowerName(args[2]) !== 'filterby') throw new ReplyError('ERR syntax error');
  const filter = lowerName(args[3]);
  const value = args[4].toString('latin1');
  if (filter === 'pattern') return array(names.filter((name) => globMatch(value, name)).map((name) => bulk(name)));
  if (filter === 'module') return array([]); // dynkv has no modules
  if (filter === 'aclcat') {
    const category = `@${value.toLowerCase()}`;
    const specs = ctx.node.commands.all().filter((spec) => categoriesOf(spec).includes(category));
    return array(specs.map((spec) => bulk(spec.name)));
  }
  throw new ReplyError('ERR syntax error');
}

function getKeys(ctx: CommandContext, args: readonly Buffer[]): Reply {
  const call = args.slice(2);
  const spec = ctx.node.commands.get(lowerName(call[0]));
  if (spec === undefined) throw new ReplyError('ERR Invalid command specified');
  const arityFits = spec.arity >= 0 ? call.length === spec.arity : call.length >= -spec.arity;
  if (!arityFits) throw new ReplyError('ERR Invalid number of arguments specified for command');
  const keys = keysOf(spec, call);
  if (keys.length === 0) throw new ReplyError('ERR The command has no key arguments');
  return array(keys.map((key) => bulk(key)));
}

const HELP_LINES = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)', '    Return details about all commands.',
  'COUNT', '    Return the total number of commands in this server.',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]', '    Return a list of all commands.',
  'INFO [<command-name> ...]', '    Return details about the given commands, or all of them.',
  'DOCS [<command-name> ...]', '    Return documentation details about the given commands, or all of them.',
  'GETKEYS <full-command>', '    Return the keys from a full command.',
  'HELP', '    Print this help.',
];

export const COMMAND: CommandSpec = {
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Describes the commands this node runs.',
  subcommands: ['count', 'docs', 'getkeys', 'help', 'info', 'list'],
  run: (ctx, args) => {
    const all = ctx.node.commands.all();
    if (args.length === 1) return array(all.map(infoOf));
    const sub = lowerName(args[1]);
    const subArity = (): ReplyError => new ReplyError(`ERR wrong number of arguments for 'command|${sub}' command`);
    switch (sub) {
      case 'count':
        if (args.length !== 2) throw subArity();
        return integer(all.length);
      case 'info':
        if (args.length === 2) return array(all.map(infoOf));
        return array(args.slice(2).map((arg) => {
          const spec = lookup(ctx, arg);
          return spec === undefined ? NULL : infoOf(spec);
        }));
      case 'docs': {
        const specs = args.length === 2 ? all : args.slice(2).flatMap((arg) => lookup(ctx, arg) ?? []);
        return map(specs.map((spec) => [bulk(spec.name), docsOf(spec, ctx.node.version)] as const));
      }
      case 'list':
        if (args.length > 5) throw subArity();
        return listNames(ctx, args);
      case 'getkeys':
        if (args.length < 3) throw subArity();
        return getKeys(ctx, args);
      case 'help':
        if (args.length !== 2) throw subArity();
        return array(HELP_LINES.map((line) => simple(line)));
      default:
        throw new ReplyError(`ERR unknown subcommand '${args[1].toString('latin1')}'. Try COMMAND HELP.`);
    }
  },
};
