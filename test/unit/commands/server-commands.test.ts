import { ALL_KEYS, ONE_KEY, type CommandSpec } from '../../../src/commands/command';
import { CLIENT } from '../../../src/commands/client';
import { COMMAND } from '../../../src/commands/command-introspection';
import { CONFIG, globMatch } from '../../../src/commands/config';
import { DBSIZE } from '../../../src/commands/dbsize';
import { ECHO } from '../../../src/commands/echo';
import { FLUSHALL, FLUSHDB } from '../../../src/commands/flushall';
import { FUNCTION } from '../../../src/commands/function';
import { HELLO } from '../../../src/commands/hello';
import { INFO } from '../../../src/commands/info';
import { PING } from '../../../src/commands/ping';
import { QUIT } from '../../../src/commands/quit';
import { SELECT } from '../../../src/commands/select';
import { TIME } from '../../../src/commands/time';
import { OK, array, bulk, integer, map, NULL, simple, type Reply } from '../../../src/resp/reply';
import { call, fakeNode } from '../../helpers/fake-services';

/** Stand-ins for key commands written elsewhere, so COMMAND has keys to describe. */
const FAKE_GET: CommandSpec = { name: 'get', arity: 2, flags: ['readonly', 'fast'], keys: ONE_KEY, group: 'string', summary: 'Get.', run: () => NULL };
const FAKE_MSET: CommandSpec = {
  name: 'mset', arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 }, group: 'string', summary: 'Set many.', run: () => OK,
};
const FAKE_DEL: CommandSpec = { name: 'del', arity: -2, flags: ['write'], keys: ALL_KEYS, group: 'generic', summary: 'Delete.', run: () => integer(0) };
const SPECS = [CLIENT, COMMAND, CONFIG, DBSIZE, ECHO, FLUSHALL, FLUSHDB, FUNCTION, HELLO, INFO, PING, QUIT, SELECT, TIME, FAKE_GET, FAKE_MSET, FAKE_DEL];

const err = (message: string): Reply => ({ kind: 'error', message });
const txt = (value: string): Reply => ({ kind: 'verbatim', format: 'txt', value });
const textOf = (reply: Reply): string => {
  if (reply.kind !== 'verbatim') throw new Error(`expected verbatim, got ${reply.kind}`);
  return reply.value;
};

let node = fakeNode(SPECS);
beforeEach(() => {
  node = fakeNode(SPECS);
});

describe('PING, ECHO, QUIT, SELECT, TIME, DBSIZE', () => {
  it('PING answers PONG or echoes its argument', async () => {
    expect(await call(PING, node.context(), 'PING')).toEqual(simple('PONG'));
    expect(await call(PING, node.context(), 'ping', 'hi there')).toEqual(bulk(Buffer.from('hi there')));
    expect(await call(PING, node.context(), 'ping', 'a', 'b')).toEqual(err("ERR wrong number of arguments for 'ping' command"));
  });

  it('ECHO returns its argument', async () => {
    expect(await call(ECHO, node.context(), 'echo', 'x y')).toEqual(bulk(Buffer.from('x y')));
  });

  it('QUIT answers OK and marks the connection to close after the reply', async () => {
    const ctx = node.context();
    expect(await call(QUIT, ctx, 'quit')).toEqual(OK);
    expect(ctx.client.closeAfterReply).toBe(true);
  });

  it('SELECT accepts only database 0', async () => {
    expect(await call(SELECT, node.context(), 'select', '0')).toEqual(OK);
    expect(await call(SELECT, node.context(), 'select', '1')).toEqual(err('ERR DB index is out of range'));
    expect(await call(SELECT, node.context(), 'select', '-1')).toEqual(err('ERR DB index is out of range'));
    expect(await call(SELECT, node.context(), 'select', 'one')).toEqual(err('ERR value is not an integer or out of range'));
  });

  it('TIME reads the injected clock', async () => {
    expect(await call(TIME, node.context(), 'time')).toEqual(array([bulk('1700000000'), bulk('0')]));
    node.clock.jumpWallMs(1500);
    expect(await call(TIME, node.context(), 'time')).toEqual(array([bulk('1700000001'), bulk('500000')]));
  });

  it('DBSIZE reports the live keys of this node', async () => {
    node.keyspace.liveKeys = 7;
    expect(await call(DBSIZE, node.context(), 'dbsize')).toEqual(integer(7));
  });
});

describe('FLUSHALL, FLUSHDB, FUNCTION', () => {
  it('flush through the coordinator, with an optional ASYNC|SYNC', async () => {
    expect(await call(FLUSHALL, node.context(), 'flushall')).toEqual(OK);
    expect(await call(FLUSHALL, node.context(), 'FLUSHALL', 'ASYNC')).toEqual(OK);
    expect(await call(FLUSHDB, node.context(), 'flushdb', 'sync')).toEqual(OK);
    expect(node.coordinator.flushAllCalls).toBe(3);
    expect(await call(FLUSHALL, node.context(), 'flushall', 'later')).toEqual(err('ERR syntax error'));
    expect(node.coordinator.flushAllCalls).toBe(3);
  });

  it('FUNCTION FLUSH is OK, other subcommands are unknown', async () => {
    expect(await call(FUNCTION, node.context(), 'function', 'flush')).toEqual(OK);
    expect(await call(FUNCTION, node.context(), 'FUNCTION', 'FLUSH', 'async')).toEqual(OK);
    expect(await call(FUNCTION, node.context(), 'function', 'flush', 'now')).toEqual(err('ERR FUNCTION FLUSH only supports SYNC|ASYNC option'));
    expect(await call(FUNCTION, node.context(), 'function', 'load', 'code')).toEqual(err("ERR unknown subcommand 'load'. Try FUNCTION HELP."));
    expect(node.coordinator.flushAllCalls).toBe(0);
  });
});

describe('HELLO', () => {
  const helloMap = (proto: number, id: number): Reply =>
    map([
      [bulk('server'), bulk('redis')],
      [bulk('version'), bulk('7.2.0')],
      [bulk('proto'), integer(proto)],
      [bulk('id'), integer(id)],
      [bulk('mode'), bulk('standalone')],
      [bulk('role'), bulk('master')],
      [bulk('modules'), array([])],
    ]);

  it('HELLO 3 switches to RESP3 and answers the server map', async () => {
    const ctx = node.context(5);
    expect(await call(HELLO, ctx, 'HELLO', '3')).toEqual(helloMap(3, 5));
    expect(ctx.client.protocol).toBe(3);
    expect(await call(HELLO, ctx, 'hello')).toEqual(helloMap(3, 5));
    expect(await call(HELLO, ctx, 'hello', '2')).toEqual(helloMap(2, 5));
    expect(ctx.client.protocol).toBe(2);
  });

  it('accepts and ignores AUTH, applies SETNAME', async () => {
    const ctx = node.context();
    expect(await call(HELLO, ctx, 'hello', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'app')).toEqual(helloMap(3, 1));
    expect(ctx.client.name).toBe('app');
  });

  it('rejects bad versions and options without changing the connection', async () => {
    const ctx = node.context();
    expect(await call(HELLO, ctx, 'hello', '4')).toEqual(err('NOPROTO unsupported protocol version'));
    expect(await call(HELLO, ctx, 'hello', '1')).toEqual(err('NOPROTO unsupported protocol version'));
    expect(await call(HELLO, ctx, 'hello', 'three')).toEqual(err('ERR Protocol version is not an integer or out of range'));
    expect(await call(HELLO, ctx, 'hello', '3', 'SETNAME', 'bad name')).toEqual(
      err('ERR Client names cannot contain spaces, newlines or special characters.'),
    );
    expect(await call(HELLO, ctx, 'hello', '3', 'AUTH', 'user')).toEqual(err("ERR Syntax error in HELLO option 'AUTH'"));
    expect(ctx.client.protocol).toBe(2);
    expect(ctx.client.name).toBe('');
  });
});

describe('CLIENT', () => {
  it('SETNAME / GETNAME, and Redis name validation', async () => {
    const ctx = node.context();
    expect(await call(CLIENT, ctx, 'client', 'getname')).toEqual(NULL);
    expect(await call(CLIENT, ctx, 'CLIENT', 'SETNAME', 'worker-1')).toEqual(OK);
    expect(await call(CLIENT, ctx, 'client', 'getname')).toEqual(bulk('worker-1'));
    for (const bad of ['has space', 'new\nline', 'tab\there', 'caf\u00e9']) {
      expect(await call(CLIENT, ctx, 'client', 'setname', bad)).toEqual(
        err('ERR Client names cannot contain spaces, newlines or special characters.'),
      );
    }
    expect(ctx.client.name).toBe('worker-1');
    expect(await call(CLIENT, ctx, 'client', 'setname', '')).toEqual(OK);
    expect(await call(CLIENT, ctx, 'client', 'getname')).toEqual(NULL);
  });

  it('ID, INFO and LIST in the Redis line format', async () => {
    const me = node.context(3);
    me.client.name = 'me';
    me.client.lastCommand = 'client|info';
    node.context(4);
    node.clock.jumpWallMs(65_000);
    expect(await call(CLIENT, me, 'client', 'id')).toEqual(integer(3));
    expect(await call(CLIENT, me, 'client', 'setinfo', 'lib-name', 'node-redis')).toEqual(OK);
    expect(await call(CLIENT, me, 'client', 'setinfo', 'LIB-VER', '5.9.0')).toEqual(OK);
    const line =
      'id=3 addr=127.0.0.1:50003 laddr=127.0.0.1:6379 name=me age=65 idle=65 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ' +
      'omem=0 tot-mem=0 cmd=client|info user=default redir=-1 resp=2 lib-name=node-redis lib-ver=5.9.0\n';
    expect(await call(CLIENT, me, 'client', 'info')).toEqual(txt(line));
    const list = textOf(await call(CLIENT, me, 'client', 'list'));
    expect(list.split('\n')).toEqual([line.trimEnd(), expect.stringMatching(/^id=4 addr=127\.0\.0\.1:50004 .* cmd=NULL .* lib-ver=$/), '']);
    expect(textOf(await call(CLIENT, me, 'client', 'list', 'ID', '4'))).toMatch(/^id=4 /);
    expect(await call(CLIENT, me, 'client', 'list', 'TYPE', 'pubsub')).toEqual(txt(''));
  });

  it('SETINFO, NO-EVICT, NO-TOUCH and errors', async () => {
    const ctx = node.context();
    expect(await call(CLIENT, ctx, 'client', 'setinfo', 'lib-name', 'bad name')).toEqual(
      err('ERR lib-name cannot contain spaces, newlines or special characters.'),
    );
    expect(await call(CLIENT, ctx, 'client', 'setinfo', 'color', 'red')).toEqual(err("ERR Unrecognized option 'color'"));
    expect(await call(CLIENT, ctx, 'client', 'no-evict', 'on')).toEqual(OK);
    expect(await call(CLIENT, ctx, 'client', 'no-touch', 'OFF')).toEqual(OK);
    expect(await call(CLIENT, ctx, 'client', 'no-touch', 'maybe')).toEqual(err('ERR syntax error'));
    expect(await call(CLIENT, ctx, 'client', 'setname')).toEqual(err("ERR wrong number of arguments for 'client|setname' command"));
    expect(await call(CLIENT, ctx, 'client', 'frobnicate')).toEqual(err("ERR unknown subcommand 'frobnicate'. Try CLIENT HELP."));
    expect((await call(CLIENT, ctx, 'client', 'help')).kind).toBe('array');
  });

  it('KILL by address or filter; itself only after the reply', async () => {
    const me = node.context(1);
    const other = node.context(2);
    const third = node.context(3);
    expect(await call(CLIENT, me, 'client', 'kill', '127.0.0.1:50002')).toEqual(OK);
    expect(other.client.killed).toBe(true);
    expect(await call(CLIENT, me, 'client', 'kill', '10.0.0.1:1')).toEqual(err('ERR No such client'));
    expect(await call(CLIENT, me, 'client', 'kill', 'ID', '3')).toEqual(integer(1));
    expect(third.client.killed).toBe(true);
    expect(await call(CLIENT, me, 'client', 'kill', 'ID', '1')).toEqual(integer(0)); // SKIPME yes by default
    expect(await call(CLIENT, me, 'client', 'kill', 'ID', '1', 'SKIPME', 'no')).toEqual(integer(1));
    expect(me.client.killed).toBe(false);
    expect(me.client.closeAfterReply).toBe(true);
    // Three arguments is the old form: "ID" is taken as an address, as Redis does.
    expect(await call(CLIENT, me, 'client', 'kill', 'ID')).toEqual(err('ERR No such client'));
    expect(await call(CLIENT, me, 'client', 'kill', 'ID', '2', 'SKIPME')).toEqual(err('ERR syntax error'));
  });
});

describe('CONFIG', () => {
  it('GET matches globs case-insensitively, once per parameter', async () => {
    const ctx = node.context();
    expect(await call(CONFIG, ctx, 'config', 'get', 'maxmemory')).toEqual(map([[bulk('maxmemory'), bulk('0')]]));
    expect(await call(CONFIG, ctx, 'CONFIG', 'GET', 'SAVE', 'appendonly')).toEqual(
      map([[bulk('save'), bulk('')], [bulk('appendonly'), bulk('no')]]),
    );
    expect(await call(CONFIG, ctx, 'config', 'get', 'maxmemory*', '*policy')).toEqual(
      map([[bulk('maxmemory'), bulk('0')], [bulk('maxmemory-policy'), bulk('noeviction')]]),
    );
    expect(await call(CONFIG, ctx, 'config', 'get', '[nrw]')).toEqual(
      map([[bulk('n'), bulk('3')], [bulk('r'), bulk('2')], [bulk('w'), bulk('2')]]),
    );
    expect(await call(CONFIG, ctx, 'config', 'get', 'proto-max-bulk-len')).toEqual(map([[bulk('proto-max-bulk-len'), bulk(String(8 * 1024 * 1024))]]));
    expect(await call(CONFIG, ctx, 'config', 'get', 'node-id')).toEqual(map([[bulk('node-id'), bulk('node-a')]]));
    expect(await call(CONFIG, ctx, 'config', 'get', 'no-such-thing')).toEqual(map([]));
    const everything = await call(CONFIG, ctx, 'config', 'get', '*');
    expect(everything.kind === 'map' && everything.entries.length).toBe(24);
  });

  it('SET is refused, RESETSTAT resets, unknown subcommands are reported', async () => {
    const ctx = node.context();
    expect(await call(CONFIG, ctx, 'config', 'set', 'maxmemory', '1')).toEqual(
      err('ERR CONFIG SET is not supported by dynkv; restart the node with the flag'),
    );
    node.stats.recordCommand('get', 10, false);
    expect(await call(CONFIG, ctx, 'config', 'resetstat')).toEqual(OK);
    expect(node.stats.commandsProcessed).toBe(0);
    expect(await call(CONFIG, ctx, 'config', 'get')).toEqual(err("ERR wrong number of arguments for 'config|get' command"));
    expect(await call(CONFIG, ctx, 'config', 'nope')).toEqual(err("ERR unknown subcommand 'nope'. Try CONFIG HELP."));
  });

  it('globMatch follows Redis stringmatch', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('h[ae]llo', 'hello')).toBe(true);
    expect(globMatch('h[^e]llo', 'hello')).toBe(false);
    expect(globMatch('h[a-c]llo', 'hbllo')).toBe(true);
    expect(globMatch('h[c-a]llo', 'hbllo')).toBe(true);
    expect(globMatch('a\\*b', 'a*b')).toBe(true);
    expect(globMatch('a\\*b', 'axb')).toBe(false);
    expect(globMatch('*-*-*', 'max-value-bytes')).toBe(true);
    expect(globMatch('MAX*', 'maxclients')).toBe(true);
    expect(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false); // backtracking stays polynomial
  });
});

describe('INFO', () => {
  it('answers the default sections as \\r\\n text with loading:0', async () => {
    const text = textOf(await call(INFO, node.context(), 'info'));
    const headers = text.split('\r\n').filter((line) => line.startsWith('# '));
    expect(headers).toEqual(['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# Cluster', '# Keyspace']);
    expect(text).toContain('\r\nloading:0\r\n');
    expect(text).toContain('redis_version:7.2.0\r\n');
    expect(text).toContain('\r\nrole:master\r\n');
    expect(text).toContain('\r\ndynkv_n:3\r\ndynkv_r:2\r\ndynkv_w:2\r\n');
    expect(text).toContain('\r\ncluster_enabled:0\r\ndynkv_partitions:64\r\n');
    expect(text).not.toContain('\n\n');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('# Keyspace\r\n')).toBe(true); // no keys: the section is empty, as in Redis
  });

  it('selects sections, case-insensitively and in Redis order', async () => {
    node.keyspace.liveKeys = 12;
    node.clock.jumpWallMs(90_500);
    const text = textOf(await call(INFO, node.context(), 'INFO', 'KEYSPACE', 'server'));
    expect(text.startsWith('# Server\r\nredis_version:7.2.0\r\nredis_mode:standalone\r\ndynkv_version:0.1.0\r\nnode_id:node-a\r\n')).toBe(true);
    expect(text).toContain('uptime_in_seconds:90\r\nuptime_in_days:0\r\n\r\n# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\n');
    expect(await call(INFO, node.context(), 'info', 'nosuchsection')).toEqual(txt(''));
  });

  it('reports stats, commandstats and latency percentiles', async () => {
    node.context(1);
    node.context(2);
    node.stats.recordConnection();
    node.stats.recordCommand('get', 100, false);
    node.stats.recordCommand('get', 300, true);
    node.stats.recordHit(true);
    node.keyspace.expiredKeys = 4;
    const stats = textOf(await call(INFO, node.context(), 'info', 'stats', 'clients'));
    expect(stats).toContain('# Clients\r\nconnected_clients:2\r\nmaxclients:10000\r\n');
    expect(stats).toContain('total_connections_received:1\r\ntotal_commands_processed:2\r\n');
    expect(stats).toContain('expired_keys:4\r\n');
    expect(stats).toContain('keyspace_hits:1\r\nkeyspace_misses:0\r\n');
    expect(await call(INFO, node.context(), 'info', 'commandstats')).toEqual(
      txt('# Commandstats\r\ncmdstat_get:calls=2,usec=400,usec_per_call=200.00,rejected_calls=0,failed_calls=1\r\n'),
    );
    expect(await call(INFO, node.context(), 'info', 'latency')).toEqual(
      txt('# Latencystats\r\nlatency_percentiles_usec_get:p50=100.000,p99=300.000,p99.9=300.000\r\n'),
    );
    const all = textOf(await call(INFO, node.context(), 'info', 'all'));
    expect(all).toContain('# Commandstats\r\n');
    expect(all).toContain('# Latencystats\r\n');
    expect(all).toContain('loading:0\r\n');
  });
});

describe('COMMAND', () => {
  it('COUNT equals the table size and COMMAND lists every command', async () => {
    expect(await call(COMMAND, node.context(), 'command', 'count')).toEqual(integer(SPECS.length));
    const all = await call(COMMAND, node.context(), 'command');
    expect(all.kind === 'array' && all.items.length).toBe(SPECS.length);
  });

  it('INFO describes a command in the Redis 7 shape, nil for unknown names', async () => {
    const set = (items: Reply[]): Reply => ({ kind: 'set', items });
    const keySpec = map([
      [bulk('flags'), set([simple('RO'), simple('access')])],
      [bulk('begin_search'), map([[bulk('type'), bulk('index')], [bulk('spec'), map([[bulk('index'), integer(1)]])]])],
      [bulk('find_keys'), map([[bulk('type'), bulk('range')], [bulk('spec'), map([[bulk('lastkey'), integer(0)], [bulk('keystep'), integer(1)], [bulk('limit'), integer(0)]])]])],
    ]);
    expect(await call(COMMAND, node.context(), 'command', 'info', 'GET', 'nosuch')).toEqual(
      array([
        array([
          bulk('get'), integer(2), set([simple('readonly'), simple('fast')]), integer(1), integer(1), integer(1),
          set([simple('@read'), simple('@string'), simple('@fast')]), array([]), array([keySpec]), array([]),
        ]),
        NULL,
      ]),
    );
    const client = await call(COMMAND, node.context(), 'command', 'info', 'client');
    const subs = client.kind === 'array' && client.items[0].kind === 'array' ? client.items[0].items[9] : undefined;
    expect(subs?.kind === 'array' && subs.items.length).toBe(CLIENT.subcommands?.length);
    const setname = await call(COMMAND, node.context(), 'command', 'info', 'CLIENT|SETNAME');
    expect(setname.kind === 'array' && setname.items[0].kind === 'array' && setname.items[0].items[0]).toEqual(bulk('client|setname'));
  });

  it('DOCS, LIST and GETKEYS', async () => {
    expect(await call(COMMAND, node.context(), 'command', 'docs', 'ping', 'nosuch')).toEqual(
      map([[bulk('ping'), map([[bulk('summary'), bulk(PING.summary)], [bulk('since'), bulk('0.1.0')], [bulk('group'), bulk('connection')]])]]),
    );
    const docs = await call(COMMAND, node.context(), 'command', 'docs');
    expect(docs.kind === 'map' && docs.entries.length).toBe(SPECS.length);
    expect(await call(COMMAND, node.context(), 'command', 'list', 'filterby', 'pattern', 'fl*')).toEqual(array([bulk('flushall'), bulk('flushdb')]));
    expect(await call(COMMAND, node.context(), 'command', 'list', 'filterby', 'aclcat', 'write')).toEqual(
      array([bulk('flushall'), bulk('flushdb'), bulk('mset'), bulk('del')]),
    );
    expect(await call(COMMAND, node.context(), 'command', 'getkeys', 'mset', 'a', '1', 'b', '2')).toEqual(array([bulk(Buffer.from('a')), bulk(Buffer.from('b'))]));
    expect(await call(COMMAND, node.context(), 'command', 'getkeys', 'get')).toEqual(err('ERR Invalid number of arguments specified for command'));
    expect(await call(COMMAND, node.context(), 'command', 'getkeys', 'ping')).toEqual(err('ERR The command has no key arguments'));
    expect(await call(COMMAND, node.context(), 'command', 'getkeys', 'nope')).toEqual(err('ERR Invalid command specified'));
    expect(await call(COMMAND, node.context(), 'command', 'bogus')).toEqual(err("ERR unknown subcommand 'bogus'. Try COMMAND HELP."));
  });
});
