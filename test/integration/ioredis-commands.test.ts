/**
 * Every plain and versioned command of SPEC section 2 (single node, N=R=W=1) through ioredis 6,
 * which speaks RESP3 (HELLO 3 on connect) and runs INFO as its ready check.
 */
import Redis from 'ioredis';
import { NodeProcess, eventually, sleep } from '../helpers/node-process';

let node: NodeProcess;
let redis: Redis;

beforeAll(async () => {
  node = await NodeProcess.startSingle(['--max-value-bytes', '1mb']);
  redis = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  await redis.flushall();
});

describe('strings', () => {
  test('SET and GET, overwrite, missing key', async () => {
    expect(await redis.get('missing')).toBeNull();
    expect(await redis.set('k', 'v1')).toBe('OK');
    expect(await redis.set('k', 'v2')).toBe('OK');
    expect(await redis.get('k')).toBe('v2');
  });

  test('binary-safe values and keys', async () => {
    const value = Buffer.from([0, 1, 2, 13, 10, 255, 0]);
    const key = Buffer.from([0xff, 0x00, 0x0d, 0x0a]);
    await redis.set(key, value);
    expect(await redis.getBuffer(key)).toEqual(value);
    await redis.set('empty', '');
    expect(await redis.get('empty')).toBe('');
  });

  test('SET NX / XX / GET / KEEPTTL', async () => {
    expect(await redis.set('k', 'a', 'NX')).toBe('OK');
    expect(await redis.set('k', 'b', 'NX')).toBeNull();
    expect(await redis.set('other', 'b', 'XX')).toBeNull();
    expect(await redis.set('k', 'c', 'XX')).toBe('OK');
    expect(await redis.set('k', 'd', 'GET')).toBe('c');
    expect(await redis.set('fresh', 'x', 'GET')).toBeNull();
    await redis.set('t', '1', 'EX', 100);
    await redis.set('t', '2', 'KEEPTTL');
    expect(await redis.ttl('t')).toBeGreaterThan(90);
    await redis.set('t', '3');
    expect(await redis.ttl('t')).toBe(-1);
  });

  test('SET expiry forms and their errors', async () => {
    await redis.set('ex', 'v', 'EX', 10);
    expect(await redis.ttl('ex')).toBe(10);
    await redis.set('px', 'v', 'PX', 10000);
    expect(await redis.pttl('px')).toBeGreaterThan(9000);
    const at = Math.floor(Date.now() / 1000) + 100;
    await redis.call('SET', 'exat', 'v', 'EXAT', String(at));
    expect(await redis.ttl('exat')).toBeGreaterThan(95);
    await redis.call('SET', 'pxat', 'v', 'PXAT', String(Date.now() + 100000));
    expect(await redis.ttl('pxat')).toBeGreaterThan(95);
    await expect(redis.set('k', 'v', 'EX', 0)).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(redis.call('SET', 'k', 'v', 'EX', 'ten')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(redis.call('SET', 'k', 'v', 'NX', 'XX')).rejects.toThrow('ERR syntax error');
    await expect(redis.call('SET', 'k', 'v', 'EX', '1', 'PX', '1')).rejects.toThrow('ERR syntax error');
    expect(await redis.exists('k')).toBe(0);
  });

  test('INCR, DECR, INCRBY, DECRBY and their errors', async () => {
    expect(await redis.incr('n')).toBe(1);
    expect(await redis.incrby('n', 10)).toBe(11);
    expect(await redis.decr('n')).toBe(10);
    expect(await redis.decrby('n', 20)).toBe(-10);
    expect(await redis.get('n')).toBe('-10');
    await redis.set('s', 'abc');
    await expect(redis.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(redis.call('INCRBY', 'n', '1.5')).rejects.toThrow('ERR value is not an integer or out of range');
    await redis.set('big', '9223372036854775807');
    await expect(redis.incr('big')).rejects.toThrow('ERR increment or decrement would overflow');
    await redis.set('t', '5', 'EX', 100);
    await redis.incr('t');
    expect(await redis.ttl('t')).toBeGreaterThan(90);
  });

  test('APPEND, STRLEN, SETNX, GETSET, GETDEL, MGET, MSET', async () => {
    expect(await redis.append('a', 'hello')).toBe(5);
    expect(await redis.append('a', ' world')).toBe(11);
    expect(await redis.strlen('a')).toBe(11);
    expect(await redis.strlen('nope')).toBe(0);
    expect(await redis.setnx('a', 'x')).toBe(0);
    expect(await redis.setnx('b', 'x')).toBe(1);
    expect(await redis.getset('b', 'y')).toBe('x');
    expect(await redis.getdel('b')).toBe('y');
    expect(await redis.getdel('b')).toBeNull();
    expect(await redis.mset('m1', '1', 'm2', '2')).toBe('OK');
    expect(await redis.mget('m1', 'nope', 'm2')).toEqual(['1', null, '2']);
    await expect(redis.call('MSET', 'a', 'b', 'c')).rejects.toThrow("ERR wrong number of arguments for 'mset' command");
  });
});

describe('keys and expiry', () => {
  test('DEL and EXISTS count keys', async () => {
    await redis.mset('a', '1', 'b', '2');
    expect(await redis.exists('a', 'b', 'c', 'a')).toBe(3);
    expect(await redis.del('a', 'b', 'c')).toBe(2);
    expect(await redis.exists('a', 'b')).toBe(0);
    expect(await redis.get('a')).toBeNull();
    expect(await redis.type('a')).toBe('none');
  });

  test('EXPIRE, PEXPIRE, TTL, PTTL, PERSIST with NX/XX/GT/LT', async () => {
    expect(await redis.expire('none', 10)).toBe(0);
    expect(await redis.ttl('none')).toBe(-2);
    await redis.set('k', 'v');
    expect(await redis.ttl('k')).toBe(-1);
    expect(await redis.call('EXPIRE', 'k', '100', 'XX')).toBe(0);
    expect(await redis.call('EXPIRE', 'k', '100', 'NX')).toBe(1);
    expect(await redis.call('EXPIRE', 'k', '50', 'GT')).toBe(0);
    expect(await redis.call('EXPIRE', 'k', '50', 'LT')).toBe(1);
    expect(await redis.ttl('k')).toBe(50);
    expect(await redis.pexpire('k', 200000)).toBe(1);
    expect(await redis.pttl('k')).toBeGreaterThan(199000);
    expect(await redis.persist('k')).toBe(1);
    expect(await redis.persist('k')).toBe(0);
    expect(await redis.ttl('k')).toBe(-1);
    await expect(redis.call('EXPIRE', 'k', '10', 'NX', 'XX')).rejects.toThrow('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(await redis.expire('k', -1)).toBe(1);
    expect(await redis.exists('k')).toBe(0);
  });

  test('a key expires on time, and DBSIZE drops without the key being read', async () => {
    await redis.set('short', 'v', 'PX', 200);
    await redis.set('long', 'v');
    expect(await redis.dbsize()).toBe(2);
    await eventually(async () => (await redis.dbsize()) === 1, 3000);
    expect(await redis.get('short')).toBeNull();
    expect(await redis.get('long')).toBe('v');
  });

  test('many expiring keys all disappear by themselves', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.set(`e${i}`, 'v', 'PX', 400 + (i % 100));
    await pipeline.exec();
    expect(await redis.dbsize()).toBe(1000);
    await eventually(async () => (await redis.dbsize()) === 0, 5000);
  });
});

describe('the versioned interface', () => {
  test('two VSETs without context are siblings; VSET with the VGET context resolves them', async () => {
    expect(await redis.call('VGET', 'cart')).toEqual(['', []]);
    await redis.call('VSET', 'cart', 'apple');
    await redis.call('VSET', 'cart', 'pear');
    const [context, siblings] = (await redis.call('VGET', 'cart')) as [string, string[]];
    expect(context).not.toBe('');
    expect([...siblings].sort()).toEqual(['apple', 'pear']);
    await redis.call('VSET', 'cart', 'apple,pear', 'CONTEXT', context);
    expect(await redis.call('VGET', 'cart')).toEqual([expect.any(String), ['apple,pear']]);
    expect(await redis.get('cart')).toBe('apple,pear');
  });

  test('GET on siblings answers the last writer; SET overwrites all siblings', async () => {
    await redis.call('VSET', 'k', 'first');
    await sleep(5);
    await redis.call('VSET', 'k', 'second');
    expect(await redis.get('k')).toBe('second');
    await redis.set('k', 'plain');
    expect(await redis.call('VGET', 'k')).toEqual([expect.any(String), ['plain']]);
  });

  test('the context VSET returns chains sequential writes without siblings', async () => {
    let context = (await redis.call('VSET', 'seq', 'v0')) as string;
    for (let i = 1; i < 20; i++) context = (await redis.call('VSET', 'seq', `v${i}`, 'CONTEXT', context)) as string;
    expect(await redis.call('VGET', 'seq')).toEqual([expect.any(String), ['v19']]);
  });

  test('VDEL writes a tombstone shown as nil; with the full context the key is gone', async () => {
    await redis.call('VSET', 'd', 'a');
    await redis.call('VSET', 'd', 'b');
    const [context] = (await redis.call('VGET', 'd')) as [string];
    await redis.call('VSET', 'd', 'c');
    await redis.call('VDEL', 'd', 'CONTEXT', context);
    const [, siblings] = (await redis.call('VGET', 'd')) as [string, (string | null)[]];
    expect(siblings).toContain('c');
    expect(siblings).toContain(null);
    const [all] = (await redis.call('VGET', 'd')) as [string];
    await redis.call('VDEL', 'd', 'CONTEXT', all);
    expect(await redis.get('d')).toBeNull();
    expect(await redis.exists('d')).toBe(0);
  });

  test('VSET with EX expires; bad contexts and options are refused', async () => {
    await redis.call('VSET', 'x', 'v', 'PX', '100');
    await eventually(async () => (await redis.get('x')) === null, 3000);
    // Said once: "ERR invalid context: <why>", not "invalid context: invalid context: ...".
    await expect(redis.call('VSET', 'k', 'v', 'CONTEXT', 'not base64!')).rejects.toThrow(/^ERR invalid context: (?!invalid context)/);
    await expect(redis.call('VSET', 'k', 'v', 'CONTEXT', 'AAAA')).rejects.toThrow(/^ERR invalid context/);
    await expect(redis.call('VGET', 'k', 'R', '2')).rejects.toThrow('ERR R must be between 1 and N (1)');
    await expect(redis.call('VSET', 'k', 'v', 'W', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(redis.call('VSET', 'k', 'v', 'BOGUS', '1')).rejects.toThrow('ERR syntax error');
    expect(await redis.exists('k')).toBe(0);
  });

  test('the paper\'s D1..D5 example plays out exactly', async () => {
    // D1 and D2: sequential writes, each with the previous context.
    const d1 = (await redis.call('VSET', 'doc', 'D1')) as string;
    const d2 = (await redis.call('VSET', 'doc', 'D2', 'CONTEXT', d1)) as string;
    expect(await redis.call('VGET', 'doc')).toEqual([expect.any(String), ['D2']]);
    // D3 and D4: two clients write from D2's context, concurrently: both survive as siblings.
    await redis.call('VSET', 'doc', 'D3', 'CONTEXT', d2);
    await redis.call('VSET', 'doc', 'D4', 'CONTEXT', d2);
    const [joined, siblings] = (await redis.call('VGET', 'doc')) as [string, string[]];
    expect([...siblings].sort()).toEqual(['D3', 'D4']);
    // D5: a client reconciles with the joined context: one version remains.
    await redis.call('VSET', 'doc', 'D5', 'CONTEXT', joined);
    expect(await redis.call('VGET', 'doc')).toEqual([expect.any(String), ['D5']]);
  });
});

describe('protocol and server', () => {
  test('pipelining answers in order', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) {
      pipeline.set(`p${i}`, String(i));
      pipeline.incr('counter');
      pipeline.get(`p${i}`);
    }
    const results = (await pipeline.exec())!;
    for (let i = 0; i < 500; i++) {
      expect(results[i * 3]).toEqual([null, 'OK']);
      expect(results[i * 3 + 1]).toEqual([null, i + 1]);
      expect(results[i * 3 + 2]).toEqual([null, String(i)]);
    }
  });

  test('values up to the limit are kept; larger ones are refused and the connection lives on', async () => {
    const atLimit = Buffer.alloc(1024 * 1024, 7);
    await redis.set('big', atLimit);
    expect(await redis.getBuffer('big')).toEqual(atLimit);
    await expect(redis.set('toobig', Buffer.alloc(1024 * 1024 + 1))).rejects.toThrow(/^ERR value too large/);
    await expect(redis.append('big', 'x')).rejects.toThrow(/^ERR value too large/);
    expect(await redis.exists('toobig')).toBe(0);
    await redis.set('k'.repeat(448), 'longest key');
    expect(await redis.get('k'.repeat(448))).toBe('longest key');
    await expect(redis.set('k'.repeat(449), 'v')).rejects.toThrow('ERR key too large (449 bytes, max 448)');
    await expect(redis.call('VSET', 'k'.repeat(449), 'v')).rejects.toThrow(/^ERR key too large/);
    expect(await redis.get('k'.repeat(449))).toBeNull();
    expect(await redis.ping()).toBe('PONG');
  });

  test('errors use Redis wording', async () => {
    await expect(redis.call('NOSUCH', 'a', 'b')).rejects.toThrow("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ");
    await expect(redis.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(redis.call('SELECT', '1')).rejects.toThrow('ERR DB index is out of range');
  });

  test('connection and server commands', async () => {
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.echo('hi')).toBe('hi');
    expect(await redis.select(0)).toBe('OK');
    expect(await redis.client('SETNAME', 'tester')).toBe('OK');
    expect(await redis.client('GETNAME')).toBe('tester');
    expect(typeof (await redis.client('ID'))).toBe('number');
    expect(await redis.client('LIST')).toContain('name=tester');
    expect(await redis.config('GET', 'maxmemory')).toEqual(['maxmemory', '0']);
    const [seconds] = (await redis.time()) as unknown as [string | number];
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
    expect(await redis.call('FUNCTION', 'FLUSH')).toBe('OK');
    expect(Number(await redis.call('COMMAND', 'COUNT'))).toBeGreaterThan(30);
    await redis.set('a', '1');
    expect(await redis.dbsize()).toBe(1);
    const info = await redis.info();
    for (const section of ['# Server', '# Clients', '# Stats', '# Keyspace']) expect(info).toContain(section);
    expect(info).toContain('db0:keys=1');
    expect(await redis.info('latency')).toMatch(/latency_percentiles_usec_set:p50=[\d.]+,p99=[\d.]+,p99\.9=[\d.]+/);
  });
});
