/**
 * FLUSHALL across a real 3-node cluster (N=3 R=2 W=2) while one node is down: the flush answers
 * UNAVAILABLE (not every node confirmed) but holds on the nodes it reached; the node that missed
 * it comes back with its old data on disk, adopts the flush from the first peer message, and no
 * flushed key comes back through any node, while writes made after the flush are kept.
 */
import type Redis from 'ioredis';
import { NodeProcess, eventually } from '../../helpers/node-process';
import { client, closeAll, logRecords, nodeIdOf, startCluster, waitForRing, waitForStatus } from '../../helpers/cluster';

let nodes: NodeProcess[];

beforeAll(async () => {
  nodes = await startCluster(3, { args: ['--n', '3', '--r', '2', '--w', '2'] });
  await waitForRing(nodes, 3);
});

afterAll(async () => {
  await closeAll();
});

const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}:${i}`);

test('a flush missed by a down node is adopted when it returns; flushed keys never come back', async () => {
  const [nodeA, nodeB, nodeC] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  const a: Redis = client(nodeA);
  const b: Redis = client(nodeB);
  const idC = await nodeIdOf(nodeC);

  const before = keys('before', 50);
  for (const key of before) expect(await a.set(key, 'old')).toBe('OK');
  await eventually(async () => (await client(nodeC).dbsize()) === before.length, 10_000);

  await nodeC.kill('SIGKILL');
  await Promise.all([nodeA, nodeB].map((node) => waitForStatus(node, idC, 'down', 15_000)));
  // Written while C is down: C will not hold these, A and B will.
  const whileDown = keys('while-down', 20);
  for (const key of whileDown) expect(await a.set(key, 'old')).toBe('OK');

  await expect(a.flushall()).rejects.toThrow(/^UNAVAILABLE FLUSHALL reached 2 of 3 nodes/);
  expect(await a.dbsize()).toBe(0);
  expect(await b.dbsize()).toBe(0);

  const after = keys('after', 20);
  for (const key of after) expect(await b.set(key, 'new')).toBe('OK');

  // C restarts on its old data dir, with the 50 old keys on disk.
  await nodeC.restart();
  await Promise.all([nodeA, nodeB].map((node) => waitForStatus(node, idC, 'up', 15_000)));
  await eventually(() => logRecords(nodeC).some((record) => record.msg === 'FLUSHALL generation adopted'), 15_000);

  const c = client(nodeC);
  for (const redis of [a, b, c]) {
    expect(await redis.exists(...before, ...whileDown)).toBe(0);
    for (const key of before.slice(0, 10)) expect(await redis.call('VGET', key, 'R', '1')).toEqual(['', []]);
    expect(await redis.mget(...after)).toEqual(after.map(() => 'new'));
  }
  // C kept nothing from before the flush: its keys are at most the ones written after it.
  expect(await c.dbsize()).toBeLessThanOrEqual(after.length);
}, 90_000);
