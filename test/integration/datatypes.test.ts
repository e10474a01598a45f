/**
 * Counters and sets on one node (N=R=W=1) through ioredis 6 (RESP3) and the real redis-cli:
 * Redis's reply shapes, WRONGTYPE, TYPE, TTL, and the limits' errors.
 */
import Redis from 'ioredis';
import { NodeProcess } from '../helpers/node-process';
import { redisCli } from '../helpers/redis-cli';

let node: NodeProcess;
let redis: Redis;

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

beforeAll(async () => {
  node = await NodeProcess.startSingle();
  redis = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  redis?.disconnect();
  await node?.stop();
});

beforeEach(async () => {
  await redis.flushall();
});

describe('counters', () => {
  test('INCR family as Redis: missing starts at 0, an integer string converts, GET reads the decimal, TYPE string', async () => {
    expect(await redis.incr('c')).toBe(1);
    expect(await redis.incrby('c', 41)).toBe(42);
    expect(await redis.decr('c')).toBe(41);
    expect(await redis.decrby('c', 50)).toBe(-9);
    expect(await redis.get('c')).toBe('-9');
    expect(await redis.strlen('c')).toBe(2);
    expect(await redis.type('c')).toBe('string');
    await redis.set('s', '100');
    expect(await redis.incr('s')).toBe(101);
    expect(await redis.mget('s', 'c', 'none')).toEqual(['101', '-9', null]);
  });

  test('SET replaces a counter with a plain string; APPEND turns it into one', async () => {
    await redis.incrby('c', 5);
    await redis.set('c', 'hello');
    expect(await redis.get('c')).toBe('hello');
    await expect(redis.incr('c')).rejects.toThrow('ERR value is not an integer or out of range');
    await redis.set('c', '7');
    await redis.incr('c');
    expect(await redis.append('c', '0')).toBe(2);
    expect(await redis.get('c')).toBe('80');
    expect(await redis.incr('c')).toBe(81);
  });

  test('overflow and non-integer arguments answer as Redis does', async () => {
    await redis.set('big', '9223372036854775806');
    expect(await redis.incr('big')).toBe(9223372036854775807);
    await expect(redis.incr('big')).rejects.toThrow('ERR increment or decrement would overflow');
    await expect(redis.incrby('c', 'x' as unknown as number)).rejects.toThrow('ERR value is not an integer or out of range');
    expect(await redis.get('big')).toBe('9223372036854775807');
  });

  test('TTL on a counter: INCR keeps it, PERSIST drops it, EXPIRE in the past deletes', async () => {
    await redis.incr('c');
    expect(await redis.expire('c', 100)).toBe(1);
    await redis.incr('c');
    expect(await redis.ttl('c')).toBeGreaterThan(90);
    expect(await redis.persist('c')).toBe(1);
    expect(await redis.ttl('c')).toBe(-1);
    expect(await redis.get('c')).toBe('2');
    await redis.pexpire('c', -1);
    expect(await redis.exists('c')).toBe(0);
  });
});

describe('sets', () => {
  test('SADD, SREM, SMEMBERS, SISMEMBER, SCARD with Redis reply shapes', async () => {
    expect(await redis.sadd('cart', 'apple', 'pear', 'apple')).toBe(2);
    expect(await redis.sadd('cart', 'pear', 'plum')).toBe(1);
    expect((await redis.smembers('cart')).sort()).toEqual(['apple', 'pear', 'plum']);
    expect(await redis.sismember('cart', 'pear')).toBe(1);
    expect(await redis.sismember('cart', 'fig')).toBe(0);
    expect(await redis.scard('cart')).toBe(3);
    expect(await redis.srem('cart', 'pear', 'fig')).toBe(1);
    expect(await redis.srem('cart', 'fig')).toBe(0);
    expect(await redis.scard('cart')).toBe(2);
    expect(await redis.type('cart')).toBe('set');
    expect(await redis.smembers('nothing')).toEqual([]);
    expect(await redis.scard('nothing')).toBe(0);
  });

  test('removing the last member deletes the key; it can be re-created', async () => {
    await redis.sadd('cart', 'apple');
    expect(await redis.srem('cart', 'apple')).toBe(1);
    expect(await redis.exists('cart')).toBe(0);
    expect(await redis.type('cart')).toBe('none');
    expect(await redis.dbsize()).toBe(0);
    expect(await redis.sadd('cart', 'apple')).toBe(1);
    expect(await redis.smembers('cart')).toEqual(['apple']);
    expect(await redis.del('cart')).toBe(1);
    expect(await redis.smembers('cart')).toEqual([]);
  });

  test('binary members', async () => {
    const member = Buffer.from([0, 255, 13, 10]);
    await redis.sadd('bin', member);
    expect(await redis.smembersBuffer('bin')).toEqual([member]);
  });

  test('WRONGTYPE both ways, as Redis; SET overwrites a set; MGET reads a set as nil', async () => {
    await redis.set('str', 'v');
    await redis.sadd('set', 'x');
    await expect(redis.sadd('str', 'x')).rejects.toThrow(WRONGTYPE);
    await expect(redis.smembers('str')).rejects.toThrow(WRONGTYPE);
    await expect(redis.incr('set')).rejects.toThrow(WRONGTYPE);
    await expect(redis.get('set')).rejects.toThrow(WRONGTYPE);
    await expect(redis.append('set', 'x')).rejects.toThrow(WRONGTYPE);
    await expect(redis.strlen('set')).rejects.toThrow(WRONGTYPE);
    await expect(redis.getdel('set')).rejects.toThrow(WRONGTYPE);
    await expect(redis.getset('set', 'v')).rejects.toThrow(WRONGTYPE);
    await redis.incr('counter');
    await expect(redis.sadd('counter', 'x')).rejects.toThrow(WRONGTYPE);
    expect(await redis.mget('set', 'str')).toEqual([null, 'v']);
    expect(await redis.setnx('set', 'v')).toBe(0);
    expect(await redis.set('set', 'now a string')).toBe('OK');
    expect(await redis.get('set')).toBe('now a string');
  });

  test('TTL on a set behaves as for strings', async () => {
    await redis.sadd('s', 'a');
    expect(await redis.expire('s', 100)).toBe(1);
    await redis.sadd('s', 'b');
    await redis.srem('s', 'a');
    expect(await redis.ttl('s')).toBeGreaterThan(90);
    expect(await redis.persist('s')).toBe(1);
    expect(await redis.ttl('s')).toBe(-1);
    await redis.set('s2', 'x');
    await redis.del('s2');
    await redis.sadd('s2', 'a');
    await redis.pexpire('s2', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await redis.exists('s2')).toBe(0);
  });

  test('members over 4096 bytes are refused', async () => {
    await expect(redis.sadd('s', 'x'.repeat(4097))).rejects.toThrow('ERR set member too large (4097 bytes, max 4096)');
  });
});

test('redis-cli: the commands, COMMAND INFO and TYPE', async () => {
  expect(await redisCli(node.port, ['SADD', 'cli', 'a', 'b'])).toBe('2');
  expect((await redisCli(node.port, ['SMEMBERS', 'cli'])).split('\n').sort()).toEqual(['a', 'b']);
  expect(await redisCli(node.port, ['INCR', 'n'])).toBe('1');
  expect(await redisCli(node.port, ['TYPE', 'cli'])).toBe('set');
  expect((await redisCli(node.port, ['SADD', 'n', 'x'])).trim()).toBe(WRONGTYPE);
  const info = await redisCli(node.port, ['COMMAND', 'INFO', 'sadd']);
  expect(info).toContain('sadd\n-3\nwrite');
  expect(info).toContain('@set');
});
