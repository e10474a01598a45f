/**
 * Replication in a healthy 3-node cluster (N=3 R=2 W=2): every write reaches all three replicas
 * whichever node took it, reads agree through every node, concurrent versioned writes become
 * siblings that a context-carrying write resolves, and a replica that missed writes (down while
 * they happened) is brought up to date by read repair.
 *
 * One cluster for the file; tests run in order and each uses its own key prefix, so DBSIZE
 * expectations are "what earlier tests left" plus what this test adds.
 */
import type Redis from 'ioredis';
import { NodeProcess, eventually } from '../../helpers/node-process';
import { client, closeAll, closeClient, nodeIdOf, preflist, startCluster, waitForRing } from '../../helpers/cluster';

let nodes: NodeProcess[];
let a: Redis;
let b: Redis;
let c: Redis;
/** Keys every replica should hold after the tests so far. */
let keysWritten = 0;

beforeAll(async () => {
  nodes = await startCluster(3, { args: ['--n', '3', '--r', '2', '--w', '2'] });
  await waitForRing(nodes, 3);
  [a, b, c] = nodes.map(client);
});

afterAll(async () => {
  await closeAll();
});

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

type VGetReply = [string, Array<string | null>];

async function vget(redis: Redis, key: string, r?: number): Promise<VGetReply> {
  return (await (r === undefined ? redis.call('VGET', key) : redis.call('VGET', key, 'R', String(r)))) as VGetReply;
}

/** Every node's DBSIZE reaches `expected` (the replica after W acks may still be in flight). */
async function expectDbsizeEverywhere(expected: number): Promise<void> {
  let seen: number[] = [];
  try {
    await eventually(async () => {
      seen = await Promise.all([a, b, c].map((redis) => redis.dbsize()));
      return seen.every((size) => size === expected);
    }, 10_000);
  } catch {
    throw new Error(`DBSIZE should be ${expected} on every node, is ${JSON.stringify(seen)}`);
  }
}

test('200 keys written through A read back through C and B, and every node holds all 200', async () => {
  const keys = range(200).map((i) => `repl:${i}`);
  const replies = await Promise.all(keys.map((key, i) => a.set(key, `value-${i}`)));
  expect(replies.every((reply) => reply === 'OK')).toBe(true);
  keysWritten += keys.length;

  const expected = keys.map((_, i) => `value-${i}`);
  expect(await c.mget(...keys)).toEqual(expected);
  expect(await b.mget(...keys)).toEqual(expected);
  expect(await Promise.all(keys.slice(0, 50).map((key) => c.get(key)))).toEqual(expected.slice(0, 50));

  await expectDbsizeEverywhere(keysWritten);
});

test('VGET through every node shows the same single sibling and context', async () => {
  const keys = range(200).map((i) => `repl:${i}`);
  const views = await Promise.all([a, b, c].map((redis) => Promise.all(keys.map((key) => vget(redis, key)))));
  keys.forEach((_, i) => {
    const [contextA] = views[0][i];
    expect(contextA).not.toBe('');
    for (const view of views) expect(view[i]).toEqual([contextA, [`value-${i}`]]);
  });
});

test('a key written through a node other than its first primary lands on every replica', async () => {
  const ids = await Promise.all(nodes.map(nodeIdOf));
  const clients = [a, b, c];
  // For each node, a key whose first primary is some other node: written through that node.
  for (const [writer, writerId] of ids.entries()) {
    let key: string | undefined;
    for (let i = 0; key === undefined; i++) {
      const candidate = `fwd:${writerId}:${i}`;
      const { entries } = await preflist(a, candidate);
      if (entries[0].node !== writerId) key = candidate;
    }
    expect(await clients[writer].set(key, `from-${writerId}`)).toBe('OK');
    keysWritten++;
    for (const redis of clients) expect(await redis.get(key)).toBe(`from-${writerId}`);
    for (const redis of clients) expect((await vget(redis, key))[1]).toEqual([`from-${writerId}`]);
  }
  await expectDbsizeEverywhere(keysWritten);
});

test('INCR through all three nodes on one key sums exactly', async () => {
  const key = 'counter:shared';
  const rounds = 30;
  // Concurrent increments through every node: none may be lost (SPEC 2: counters merge
  // concurrent increments; no increment is lost under concurrency).
  await Promise.all(range(rounds).flatMap(() => [a, b, c].map((redis) => redis.incr(key))));
  keysWritten++;
  const total = String(3 * rounds);
  expect(await a.get(key)).toBe(total);
  expect(await b.get(key)).toBe(total);
  expect(await c.get(key)).toBe(total);
});

test('INCR taking turns through the three nodes, one at a time, sums exactly', async () => {
  const key = 'counter:turns';
  const rounds = 20;
  for (const _ of range(rounds)) {
    for (const redis of [a, b, c]) await redis.incr(key);
  }
  keysWritten++;
  expect(await c.get(key)).toBe(String(3 * rounds));
});

test('concurrent VSETs without context through A and B are two siblings through C; a VSET with their context through C leaves one', async () => {
  const key = 'cart:concurrent';
  await Promise.all([a.call('VSET', key, 'from-a'), b.call('VSET', key, 'from-b')]);
  keysWritten++;

  const [context, siblings] = await vget(c, key);
  expect([...siblings].sort()).toEqual(['from-a', 'from-b']);
  // Every node sees both (R=2 of 3 always overlaps the W=2 of each write).
  for (const redis of [a, b]) expect([...(await vget(redis, key))[1]].sort()).toEqual(['from-a', 'from-b']);

  // The client's reconciliation: merge, write back with the context it read, through C.
  const merged = (await c.call('VSET', key, 'from-a+from-b', 'CONTEXT', context)) as string;
  expect(typeof merged).toBe('string');
  for (const redis of [a, b, c]) expect((await vget(redis, key))[1]).toEqual(['from-a+from-b']);

  // A further write through yet another node with the latest context stays a single version.
  const [latest] = await vget(a, key);
  await b.call('VSET', key, 'final', 'CONTEXT', latest);
  for (const redis of [a, b, c]) expect((await vget(redis, key))[1]).toEqual(['final']);
  // And every replica converged on it: DBSIZE counts the key once per node.
  await expectDbsizeEverywhere(keysWritten);
});

test('read repair brings a replica that missed writes up to date', async () => {
  const stale = nodes[2];
  const staleId = await nodeIdOf(stale);
  // C crashes; writes go on through A (W=2 met by A and B), so C's replica misses them.
  await stale.kill('SIGKILL');
  const missed = range(40).map((i) => `repair:${i}`);
  const replies = await Promise.all(missed.map((key) => a.set(key, `while-${staleId}-was-down`)));
  expect(replies.every((reply) => reply === 'OK')).toBe(true);
  expect(await a.set('repl:0', 'overwritten-while-down')).toBe('OK');

  // C comes back with its old data: it lacks the 40 new keys (no hints in a 3-node ring). Read
  // repair below brings them; anti-entropy (an exchange every 250 ms) may already have brought
  // some back by the time C answers, never more than those 40.
  await stale.restart();
  closeClient(c);
  c = client(stale);
  await waitForRing(nodes, 3);
  const sizeAfterRestart = await c.dbsize();
  expect(sizeAfterRestart).toBeGreaterThanOrEqual(keysWritten);
  expect(sizeAfterRestart).toBeLessThanOrEqual(keysWritten + missed.length);

  // Reads through A and B ask all three replicas and, once all have answered, repair the ones
  // that answered with less. A coordinator may not reach C for its first reads (its redial
  // backoff from C's downtime can outlast the restart), so read until C has caught up.
  const expectedValues = missed.map(() => `while-${staleId}-was-down`);
  keysWritten += missed.length;
  let sizes: number[] = [];
  try {
    await eventually(async () => {
      expect(await a.mget(...missed.slice(0, 20))).toEqual(expectedValues.slice(0, 20));
      expect(await b.mget(...missed.slice(20))).toEqual(expectedValues.slice(20));
      expect(await a.get('repl:0')).toBe('overwritten-while-down');
      sizes = await Promise.all([a, b, c].map((redis) => redis.dbsize()));
      return sizes.every((size) => size === keysWritten);
    }, 15_000, 200);
  } catch (err) {
    throw new Error(`read repair did not bring DBSIZE to ${keysWritten} everywhere: ${JSON.stringify(sizes)} (${(err as Error).message})`);
  }
  // C's own replica of the overwritten key holds the new value: with everything repaired, even a
  // read of one replica (R=1) through C sees it alone.
  await eventually(async () => {
    const [, siblings] = await vget(c, 'repl:0', 1);
    return siblings.length === 1 && siblings[0] === 'overwritten-while-down';
  }, 10_000);
  for (const redis of [a, b, c]) expect((await vget(redis, 'repl:0'))[1]).toEqual(['overwritten-while-down']);
});

test('FLUSHALL through one node empties every node, and writes after it stay', async () => {
  await a.set('flushed:1', 'gone');
  expect(await b.flushall()).toBe('OK');
  // OK means every member adopted the flush: nothing to wait for.
  expect(await Promise.all([a, b, c].map((redis) => redis.dbsize()))).toEqual([0, 0, 0]);
  expect(await c.get('flushed:1')).toBeNull();
  expect(await c.get('repl:0')).toBeNull();
  keysWritten = 0;
  await c.set('after-flush', 'kept');
  keysWritten++;
  await expectDbsizeEverywhere(keysWritten);
  expect(await a.get('after-flush')).toBe('kept');
});
