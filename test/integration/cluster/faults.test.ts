/**
 * Faults against real processes (3 nodes, N=3 R=2 W=2), each node behind a partition proxy
 * (test/helpers/partition-proxy.ts) that can cut the links between nodes:
 * - a two-way partition with writes on both sides (plain, versioned and a set), healed: every
 *   node converges through anti-entropy and read repair, a removed set member stays removed;
 * - SIGSTOP / SIGCONT of a node while writes go on: it catches up;
 * - kill -9 of a node during writes and a restart: the writes it missed reach it within seconds;
 * - a delete made while a replica holding the value is cut off: nobody reaps the tombstone until
 *   that replica holds it too, and the value never comes back (SPEC 3.5).
 * No acknowledged write is lost in any of them.
 */
import type Redis from 'ioredis';
import { NodeProcess, eventually, sleep } from '../../helpers/node-process';
import { client, closeAll, waitForRing, waitForStatus } from '../../helpers/cluster';
import { freePort } from '../../helpers/free-port';
import { PartitionProxy } from '../../helpers/partition-proxy';

const IDS = ['node-a', 'node-b', 'node-c'] as const;
let nodes: NodeProcess[] = [];
let proxies: PartitionProxy[] = [];
let clients: Redis[] = [];

beforeAll(async () => {
  const proxyPorts = await Promise.all(IDS.map(() => freePort()));
  const seed = `127.0.0.1:${proxyPorts[0]}`;
  for (const [i, id] of IDS.entries()) {
    // A short tombstone grace, so the reaping test below sees tombstones reaped within seconds.
    const args = ['--n', '3', '--r', '2', '--w', '2', '--tombstone-grace', '2000', '--node-id', id, '--advertise-peer-port', String(proxyPorts[i])];
    const node = await NodeProcess.start({ args: i === 0 ? args : [...args, '--seeds', seed] });
    nodes.push(node);
    proxies.push(await PartitionProxy.start(proxyPorts[i]!, node.peerPort));
  }
  await waitForRing(nodes, 3, 20_000);
  clients = nodes.map(client);
});

afterAll(async () => {
  await closeAll();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await Promise.all(nodes.map((node) => node.stop()));
  nodes = [];
  proxies = [];
});

/** Cut every link between node `i` and the others, both ways. */
function isolate(i: number): void {
  for (const [j, proxy] of proxies.entries()) {
    if (j === i) continue;
    proxy.cut(IDS[i]!);
    proxies[i]!.cut(IDS[j]!);
  }
}

function healAll(): void {
  for (const proxy of proxies) proxy.heal();
}

async function expectDbsizeEverywhere(expected: number, timeoutMs: number): Promise<void> {
  let seen: number[] = [];
  await eventually(async () => {
    seen = await Promise.all(clients.map((redis) => redis.dbsize()));
    return seen.every((size) => size === expected);
  }, timeoutMs).catch(() => {
    throw new Error(`DBSIZE should be ${expected} on every node, is ${JSON.stringify(seen)}`);
  });
}

test('a partition with writes on both sides heals and converges; a removed set member stays removed', async () => {
  const [a, b, c] = clients as [Redis, Redis, Redis];
  expect(await a.sadd('cart', 'milk', 'eggs')).toBe(2);
  await expectDbsizeEverywhere(1, 10_000);

  isolate(0);
  await Promise.all([1, 2].map((i) => waitForStatus(nodes[i]!, IDS[0], 'down', 15_000)));
  await waitForStatus(nodes[0]!, IDS[1], 'down', 15_000);

  // Majority side (B, C): plain writes, a versioned write, and the removal of milk from the cart.
  for (let i = 0; i < 20; i++) expect(await b.set(`majority:${i}`, `m${i}`)).toBe('OK');
  await b.call('VSET', 'shared', 'right');
  expect(await c.srem('cart', 'milk')).toBe(1);
  // Minority side (A alone, W=1): its own writes, and a concurrent version of `shared`.
  for (let i = 0; i < 20; i++) await a.call('VSET', `minority:${i}`, `n${i}`, 'W', '1');
  await a.call('VSET', 'shared', 'left', 'W', '1');

  healAll();
  await Promise.all([1, 2].map((i) => waitForStatus(nodes[i]!, IDS[0], 'up', 15_000)));
  // Anti-entropy alone brings every replica to the same keys (no reads needed).
  await expectDbsizeEverywhere(1 + 20 + 1 + 20, 60_000);

  for (const redis of clients) {
    expect(await redis.mget(...Array.from({ length: 20 }, (_, i) => `majority:${i}`))).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(await redis.mget(...Array.from({ length: 20 }, (_, i) => `minority:${i}`))).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
    const [, siblings] = (await redis.call('VGET', 'shared', 'R', '3')) as [string, string[]];
    expect([...siblings].sort()).toEqual(['left', 'right']);
    expect((await redis.smembers('cart')).sort()).toEqual(['eggs']);
  }
}, 150_000);

test('SIGSTOP of a node during writes, then SIGCONT: writes go on, and it catches up', async () => {
  const [a] = clients as [Redis, Redis, Redis];
  const before = await a.dbsize();
  nodes[2]!.child!.kill('SIGSTOP');
  try {
    for (let i = 0; i < 100; i++) expect(await a.set(`paused:${i}`, `p${i}`)).toBe('OK');
    // Stopped past the request timeout (1 s): the replica requests to C time out, unanswered.
    await sleep(3_000);
    for (let i = 100; i < 200; i++) expect(await a.set(`paused:${i}`, `p${i}`)).toBe('OK');
  } finally {
    nodes[2]!.child!.kill('SIGCONT');
  }
  await expectDbsizeEverywhere(before + 200, 60_000);
  expect(await clients[2]!.get('paused:199')).toBe('p199');
}, 150_000);

test('kill -9 during writes: the keys written while the node was down are on it within seconds of its restart', async () => {
  const [a] = clients as [Redis, Redis, Redis];
  const before = await a.dbsize();
  const writes = (async () => {
    const acked: string[] = [];
    for (let i = 0; i < 500; i++) {
      try {
        if ((await a.set(`killed:${i}`, `k${i}`)) === 'OK') acked.push(`killed:${i}`);
      } catch {
        // Refused while the detector catches up: not acknowledged, not expected anywhere.
      }
    }
    return acked;
  })();
  await sleep(50);
  await nodes[2]!.kill('SIGKILL');
  const acked = await writes;
  expect(acked.length).toBeGreaterThanOrEqual(490);

  const restartedAt = Date.now();
  await nodes[2]!.restart();
  const c = client(nodes[2]!);
  clients[2] = c;
  // C's own replica (DBSIZE counts only what it holds) reaches what A holds.
  const expected = await a.dbsize();
  expect(expected).toBeGreaterThanOrEqual(before + acked.length);
  await eventually(async () => (await c.dbsize()) === expected, 30_000).catch(async () => {
    throw new Error(`C holds ${await c.dbsize()} keys, expected ${expected}`);
  });
  const catchUpMs = Date.now() - restartedAt;
  process.stdout.write(`kill -9 test: C held all ${expected} keys ${catchUpMs} ms after its restart began\n`);
  for (const key of acked.slice(-20)) expect(await c.get(key)).toBe(`k${key.split(':')[1]}`);
}, 150_000);

async function infoField(redis: Redis, field: string): Promise<number> {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await redis.info('cluster'))?.[1] ?? NaN);
}

test('a tombstone is reaped only once every replica holds it; the deleted value never comes back', async () => {
  const [a, b, c] = clients as [Redis, Redis, Redis];
  const keys = Array.from({ length: 20 }, (_, i) => `reaped:${i}`);
  for (const key of keys) expect(await a.set(key, 'old')).toBe('OK');
  await eventually(async () => (await Promise.all(clients.map((redis) => redis.exists(...keys)))).every((n) => n === keys.length), 10_000);
  const reapedBefore = await Promise.all(clients.map((redis) => infoField(redis, 'tombstones_reaped')));

  isolate(2);
  await Promise.all([0, 1].map((i) => waitForStatus(nodes[i]!, IDS[2], 'down', 15_000)));
  expect(await a.del(...keys)).toBe(keys.length);
  // Well past the 2 s grace: A and B hold the tombstones, cannot confirm with C, and keep them.
  await sleep(6_000);
  for (const [i, redis] of [a, b].entries()) {
    expect(await infoField(redis, 'tombstones_reaped')).toBe(reapedBefore[i]);
    expect(await infoField(redis, 'tombstone_reaps_deferred')).toBeGreaterThan(0);
  }

  healAll();
  await Promise.all([0, 1].map((i) => waitForStatus(nodes[i]!, IDS[2], 'up', 15_000)));
  // Anti-entropy gives C the tombstones; then every replica confirms and reaps its own.
  await eventually(async () => {
    const reaped = await Promise.all(clients.map((redis) => infoField(redis, 'tombstones_reaped')));
    return reaped.every((count, i) => count - reapedBefore[i]! >= keys.length);
    // Reaping also waits for a ring unchanged for a minute on each node (C restarted above).
  }, 100_000);
  for (const redis of [a, b, c]) {
    expect(await redis.exists(...keys)).toBe(0);
    for (const key of keys.slice(0, 5)) expect(await redis.call('VGET', key, 'R', '3')).toEqual(['', []]);
  }
}, 150_000);
