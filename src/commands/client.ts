/**
 * CLIENT subcommands: connection names and ids, the Redis `CLIENT LIST` line format (fields dynkv
 * has no equivalent for are left out rather than faked), SETINFO (node-redis sends lib-name and
 * lib-ver on connect), NO-EVICT/NO-TOUCH (accepted: dynkv neither evicts nor tracks LRU), KILL.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { SYNTAX_ERROR, integerArg, isWord, lowerName } from './args';
import type { ClientSession, CommandContext } from './context';
import { ReplyError } from '../lib/errors';
import { OK, array, bulkOrNull, integer, simple, type Reply } from '../resp/reply';

/** Redis allows only printable ASCII without spaces ('!'..'~') in names and lib info. */
function isPrintableWord(arg: Buffer): boolean {
  return arg.every((byte) => byte >= 0x21 && byte <= 0x7e);
}

/** The name to store (empty clears it), or Redis's error for a name with spaces or control bytes. */
export function validateClientName(arg: Buffer): string {
  if (!isPrintableWord(arg)) throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
  return arg.toString('latin1');
}

/** SETINFO values live beside the session: ClientSession has no fields for them and they only feed LIST/INFO. */
const libraryInfo = new WeakMap<ClientSession, { name: string; version: string }>();

/** One `CLIENT LIST` line, in Redis's field order, ending with "\n" like Redis. */
export function clientInfoLine(client: ClientSession, nowMs: number): string {
  const lib = libraryInfo.get(client) ?? { name: '', version: '' };
  const ageSeconds = Math.max(0, Math.floor((nowMs - client.connectedAtMs) / 1000));
  const idleSeconds = Math.max(0, Math.floor((nowMs - client.lastActiveMs) / 1000));
  const outputBytes = client.outputBytes();
  const fields = [
    `id=${client.id}`, `addr=${client.address}`, `laddr=${client.localAddress}`, `name=${client.name}`,
    `age=${ageSeconds}`, `idle=${idleSeconds}`, 'flags=N', 'db=0', 'sub=0', 'psub=0', 'ssub=0', 'multi=-1',
    `omem=${outputBytes}`, `tot-mem=${outputBytes}`, `cmd=${client.lastCommand === '' ? 'NULL' : client.lastCommand}`,
    'user=default', 'redir=-1', `resp=${client.protocol}`, `lib-name=${lib.name}`, `lib-ver=${lib.version}`,
  ];
  return `${fields.join(' ')}\n`;
}

const txt = (value: string): Reply => ({ kind: 'verbatim', format: 'txt', value });
const subArity = (sub: string): ReplyError => new ReplyError(`ERR wrong number of arguments for 'client|${sub}' command`);

/** Every dynkv client is a "normal" client; there are no replicas, masters or pub/sub clients. */
function typeMatches(arg: Buffer): boolean {
  const type = lowerName(arg);
  if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
    throw new ReplyError(`ERR Unknown client type '${arg.toString('latin1')}'`);
  }
  return type === 'normal';
}

function list({ node }: CommandContext, args: readonly Buffer[]): Reply {
  let wanted: Set<number> | undefined;
  let typeOk = true;
  for (let i = 2; i < args.length; i++) {
    if (isWord(args[i], 'type') && i + 1 < args.length) {
      typeOk = typeMatches(args[++i]);
    } else if (isWord(args[i], 'id') && i + 1 < args.length) {
      wanted = new Set();
      while (i + 1 < args.length) {
        const id = integerArg(args[++i], 'ERR Invalid client ID');
        if (id <= 0) throw new ReplyError('ERR Invalid client ID');
        wanted.add(id);
      }
    } else {
      throw new ReplyError(SYNTAX_ERROR);
    }
  }
  const nowMs = node.clock.nowMs();
  const clients = typeOk ? node.clients.list() : [];
  const lines = clients.filter((c) => wanted === undefined || wanted.has(c.id)).map((c) => clientInfoLine(c, nowMs));
  return txt(lines.join(''));
}

/** CLIENT KILL addr (old form: OK or error) or CLIENT KILL <filter value> ... (new form: count killed). */
function kill({ client, node }: CommandContext, args: readonly Buffer[]): Reply {
  const killOne = (target: ClientSession): void => {
    // Our own connection must still receive the reply, so close it after writing instead of now.
    if (target === client) client.closeAfterReply = true;
    else target.kill();
  };
  if (args.length === 3) {
    const address = args[2].toString('latin1');
    const target = node.clients.list().find((c) => c.address === address);
    if (target === undefined) throw new ReplyError('ERR No such client');
    killOne(target);
    return OK;
  }
  if (args.length % 2 !== 0) throw new ReplyError(SYNTAX_ERROR);
  const tests: Array<(c: ClientSession) => boolean> = [];
  let skipMe = true;
  const nowMs = node.clock.nowMs();
  for (let i = 2; i < args.length; i += 2) {
    const filter = lowerName(args[i]);
    const value = args[i + 1];
    const text = value.toString('latin1');
    if (filter === 'id') {
      const id = integerArg(value, 'ERR client-id should be greater than 0');
      if (id <= 0) throw new ReplyError('ERR client-id should be greater than 0');
      tests.push((c) => c.id === id);
    } else if (filter === 'addr') tests.push((c) => c.address === text);
    else if (filter === 'laddr') tests.push((c) => c.localAddress === text);
    else if (filter === 'type') {
      const ok = typeMatches(value);
      tests.push(() => ok);
    } else if (filter === 'user') tests.push(() => text === 'default');
    else if (filter === 'maxage') {
      const maxAgeSeconds = integerArg(value);
      tests.push((c) => (nowMs - c.connectedAtMs) / 1000 >= maxAgeSeconds);
    } else if (filter === 'skipme') {
      if (isWord(value, 'yes')) skipMe = true;
      else if (isWord(value, 'no')) skipMe = false;
      else throw new ReplyError(SYNTAX_ERROR);
    } else {
      throw new ReplyError(SYNTAX_ERROR);
    }
  }
  const victims = node.clients.list().filter((c) => !(skipMe && c === client) && tests.every((test) => test(c)));
  victims.forEach(killOne);
  return integer(victims.length);
}

function setInfo({ client }: CommandContext, args: readonly Buffer[]): Reply {
  const attribute = args[2].toString('latin1');
  const lower = attribute.toLowerCase();
  if (lower !== 'lib-name' && lower !== 'lib-ver') throw new ReplyError(`ERR Unrecognized option '${attribute}'`);
  if (!isPrintableWord(args[3])) throw new ReplyError(`ERR ${attribute} cannot contain spaces, newlines or special characters.`);
  const current = libraryInfo.get(client) ?? { name: '', version: '' };
  const value = args[3].toString('latin1');
  libraryInfo.set(client, lower === 'lib-name' ? { ...current, name: value } : { ...current, version: value });
  return OK;
}

function onOff(args: readonly Buffer[]): Reply {
  if (!isWord(args[2], 'on') && !isWord(args[2], 'off')) throw new ReplyError(SYNTAX_ERROR);
  return OK;
}

const HELP_LINES = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME', '    Return the name of the current connection.',
  'ID', '    Return the ID of the current connection.',
  'INFO', '    Return information about the current client connection.',
  'KILL <ip:port>', '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are: ID <id>, ADDR <ip:port>, LADDR <ip:port>, TYPE normal,',
  '    USER default, MAXAGE <seconds>, SKIPME (YES|NO) (default YES).',
  'LIST [TYPE normal] [ID <id> [<id> ...]]', '    Return information about client connections.',
  'NO-EVICT (ON|OFF)', '    Accepted; dynkv never evicts.',
  'NO-TOUCH (ON|OFF)', '    Accepted; dynkv keeps no LRU/LFU data.',
  'SETINFO <LIB-NAME|LIB-VER> <value>', '    Record the client library name or version.',
  'SETNAME <name>', '    Assign the name <name> to the current connection.',
  'HELP', '    Print this help.',
];

type Handler = { arity: number; run: (ctx: CommandContext, args: readonly Buffer[]) => Reply };

/** Arity per subcommand, counted like Redis ("client|setname" is 3: CLIENT SETNAME name). */
const SUBCOMMANDS: Readonly<Record<string, Handler>> = {
  getname: { arity: 2, run: ({ client }) => bulkOrNull(client.name === '' ? undefined : client.name) },
  id: { arity: 2, run: ({ client }) => integer(client.id) },
  info: { arity: 2, run: ({ client, node }) => txt(clientInfoLine(client, node.clock.nowMs())) },
  kill: { arity: -3, run: kill },
  list: { arity: -2, run: list },
  'no-evict': { arity: 3, run: (_ctx, args) => onOff(args) },
  'no-touch': { arity: 3, run: (_ctx, args) => onOff(args) },
  setinfo: { arity: 4, run: setInfo },
  setname: {
    arity: 3,
    run: ({ client }, args) => {
      client.name = validateClientName(args[2]);
      return OK;
    },
  },
  help: { arity: 2, run: () => array(HELP_LINES.map((line) => simple(line))) },
};

export const CLIENT: CommandSpec = {
  name: 'client',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Inspects and names client connections.',
  subcommands: Object.keys(SUBCOMMANDS),
  run: (ctx, args) => {
    const sub = lowerName(args[1]);
    const handler = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (handler === undefined) throw new ReplyError(`ERR unknown subcommand '${args[1].toString('latin1')}'. Try CLIENT HELP.`);
    const fits = handler.arity >= 0 ? args.length === handler.arity : args.length >= -handler.arity;
    if (!fits) throw subArity(sub);
    return handler.run(ctx, args);
  },
};
