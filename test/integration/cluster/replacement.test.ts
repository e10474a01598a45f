/**
 * Replacement (issue 5): three real nodes (N=3 R=2 W=2); node C is stopped, its data dir wiped,
 * and C restarted with the same --node-id on the empty dir. Merkle anti-entropy alone refills it
 * (no client reads it, so no read repair): C's DBSIZE climbs back to every key, and RING STATUS
 * and INFO show the repair. The bar is 500 keys within two minutes; this test writes 500
 * and logs how long the refill took (anti-entropy catches up back to back while it finds
 * differences, so it is seconds).
 */
import fs from 'node:fs';
import { NodeProcess, eventually } from '../../helpers/node-process';
import { client, closeAll, startCluster, startNode, waitForRing } from '../../helpers/cluster';

const ARGS = ['--n', '3', '--r', '2', '--w', '2', '--request-timeout', '500'];
const KEYS = 500;
/** Anti-entropy covers 64 partitions in about 16 s per pass; allow failure detection and two passes. */
const REFILL_TIMEOUT_MS = 45_000;

afterAll(async () => {
  await closeAll();
});

test('a node wiped and restarted with its node id holds every key again, by anti-entropy', async () => {
  const [nodeA, nodeB] = await startCluster(2, { args: ARGS });
  const nodeC: NodeProcess = await startNode(nodeA!, [...ARGS, '--node-id', 'node-c']);
  await waitForRing([nodeA!, nodeB!, nodeC], 3);
  const a = client(nodeA!);

  const keys = Array.from({ length: KEYS }, (_, i) => `replace:${i}`);
  const replies = await Promise.all(keys.map((key, i) => a.set(key, `value-${i}`)));
  expect(replies.every((reply) => reply === 'OK')).toBe(true);
  const c = client(nodeC);
  await eventually(async () => (await c.dbsize()) === KEYS, 10_000);

  await nodeC.kill('SIGKILL');
  fs.rmSync(nodeC.dataDir, { recursive: true, force: true });
  fs.mkdirSync(nodeC.dataDir);
  const restartedAt = performance.now();
  const linesBefore = nodeC.logLines.length;
  await nodeC.restart();
  const c2 = client(nodeC);
  // It started empty: its start line counts the keys it found on disk. (Not DBSIZE now: the
  // others' anti-entropy may already be pushing keys to it.)
  const started = nodeC.logLines.slice(linesBefore).find((line) => line.includes('listening on'));
  expect(JSON.parse(started!).keys).toBe(0);

  let size = 0;
  await eventually(async () => {
    size = await c2.dbsize();
    return size === KEYS;
  }, REFILL_TIMEOUT_MS, 250).catch(() => {
    throw new Error(`C holds ${size} of ${KEYS} keys ${REFILL_TIMEOUT_MS} ms after its restart`);
  });
  const refillMs = Math.round(performance.now() - restartedAt);
  console.log(`replacement: ${KEYS} keys back on the wiped node ${refillMs} ms after its restart`);

  // Every value is there, read through C (R=2: C and one other agree).
  expect(await c2.mget(...keys)).toEqual(keys.map((_, i) => `value-${i}`));
  const status = (await c2.call('RING', 'STATUS')) as unknown[];
  const ae = status[status.indexOf('anti_entropy') + 1] as Array<string | number>;
  const field = (name: string) => Number(ae[ae.indexOf(name) + 1]);
  // C pulled some; A and B pushed the rest when their turn came to compare with C.
  const info = async (redis: typeof a) => Number(/ae_keys_pushed:(\d+)/.exec(await redis.info('cluster'))![1]);
  expect(field('keys_pulled') + (await info(a)) + (await info(client(nodeB!)))).toBeGreaterThanOrEqual(KEYS);
  expect(field('exchanges')).toBeGreaterThan(0);
  expect(await c2.info('cluster')).toMatch(/\r\nae_partitions_behind:\d+\r\n/);
}, 90_000);
