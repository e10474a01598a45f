/**
 * Counters and sets across a real 3-node cluster (N=3 R=2 W=2): concurrent INCRs through all three
 * nodes (redis-benchmark against each at once) sum exactly, and the shopping cart: SADD through
 * A, SREM through B, SMEMBERS through C reads without the removed item.
 */
import { execFile } from 'node:child_process';
import type Redis from 'ioredis';
import { NodeProcess } from '../../helpers/node-process';
import { client, closeAll, startCluster, waitForRing } from '../../helpers/cluster';

let nodes: NodeProcess[];
let a: Redis;
let b: Redis;
let c: Redis;

beforeAll(async () => {
  nodes = await startCluster(3, { args: ['--n', '3', '--r', '2', '--w', '2'] });
  await waitForRing(nodes, 3);
  [a, b, c] = nodes.map(client);
});

afterAll(async () => {
  await closeAll();
});

function benchmark(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-benchmark failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

test('6000 concurrent INCRs through three nodes read back as 6000 through each', async () => {
  await Promise.all(nodes.map((node) => benchmark(node.port, ['-c', '10', '-n', '2000', 'INCR', 'hits'])));
  for (const redis of [a, b, c]) expect(await redis.get('hits')).toBe('6000');
  expect(await a.type('hits')).toBe('string');
  // Increments through different nodes keep adding up, and INCR answers the merged total.
  expect(await b.incrby('hits', 10)).toBe(6010);
  expect(await c.decr('hits')).toBe(6009);
}, 60_000);

test('a cart: SADD through A, SREM through B, SMEMBERS through C', async () => {
  expect(await a.sadd('cart', 'apple', 'pear', 'plum')).toBe(3);
  expect(await b.srem('cart', 'pear')).toBe(1);
  expect((await c.smembers('cart')).sort()).toEqual(['apple', 'plum']);
  expect(await c.sismember('cart', 'pear')).toBe(0);
  expect(await c.scard('cart')).toBe(2);
  expect(await c.type('cart')).toBe('set');
  // Re-adding through C after the removal brings it back; removing everything deletes the key.
  expect(await c.sadd('cart', 'pear')).toBe(1);
  expect(await a.srem('cart', 'apple', 'pear', 'plum')).toBe(3);
  expect(await b.exists('cart')).toBe(0);
  expect(await b.type('cart')).toBe('none');
});

test('WRONGTYPE and TYPE across nodes', async () => {
  await a.set('plain', 'v');
  await expect(b.sadd('plain', 'x')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
  await b.sadd('basket', 'x');
  await expect(c.get('basket')).rejects.toThrow('WRONGTYPE');
  await expect(c.incr('basket')).rejects.toThrow('WRONGTYPE');
  expect(await c.type('plain')).toBe('string');
  expect(await c.type('missing')).toBe('none');
});
