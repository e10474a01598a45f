/**
 * Ownership transfer with real processes (N=3 W=2): a 4th node joins by --seeds while a client
 * keeps writing, then a node does RING LEAVE. After each change settles, no acknowledged write is
 * lost (every key read back through every node) and every key sits on exactly its N primaries:
 * each node's DBSIZE equals the number of keys RING PREFLIST names it a primary of, and the
 * counts add up to N per key (every key has one value and no key expires here, so DBSIZE counts
 * exactly the keys a node holds).
 */
import Redis from 'ioredis';
import { NodeProcess, eventually } from '../../helpers/node-process';
import { client, closeAll, nodeIdOf, preflist, startCluster, startNode, stopCluster, waitForRing } from '../../helpers/cluster';

const ARGS = ['--n', '3', '--r', '2', '--w', '2', '--request-timeout', '500'];

afterAll(async () => {
  await closeAll();
});

async function ringStatus(redis: Redis): Promise<{ transfers: unknown[]; memberStatus: string }> {
  const reply = (await redis.call('RING', 'STATUS')) as unknown[];
  return { transfers: reply[reply.indexOf('transfers') + 1] as unknown[], memberStatus: String(reply[reply.indexOf('member_status') + 1]) };
}

/** Until no node hands anything off, three polls in a row. */
async function waitForTransfers(clients: readonly Redis[], timeoutMs = 30_000): Promise<void> {
  let quiet = 0;
  await eventually(
    async () => {
      const statuses = await Promise.all(clients.map(ringStatus));
      quiet = statuses.every((s) => s.transfers.length === 0) ? quiet + 1 : 0;
      return quiet >= 3;
    },
    timeoutMs,
    300,
  );
}

async function expectPlaced(nodes: readonly NodeProcess[], acked: ReadonlyMap<string, string>): Promise<void> {
  const clients = nodes.map(client);
  const keys = [...acked.keys()];
  // Read back through every node.
  for (const redis of clients) expect(await redis.mget(...keys)).toEqual(keys.map((key) => acked.get(key)));
  // Every key on exactly its primaries: per node, DBSIZE = keys it is a primary of.
  const ids = await Promise.all(nodes.map(nodeIdOf));
  const expected = new Map(ids.map((id) => [id, 0]));
  for (const key of keys) {
    const primaries = (await preflist(clients[0]!, key)).entries.filter((e) => e.role === 'primary').map((e) => e.node);
    expect(primaries).toHaveLength(3);
    for (const node of primaries) expected.set(node, (expected.get(node) ?? 0) + 1);
  }
  const sizes = await Promise.all(clients.map((redis) => redis.dbsize()));
  expect(new Map(ids.map((id, i) => [id, sizes[i]]))).toEqual(expected);
}

test('a 4th node joins under writes, then a node leaves: nothing lost, every key on exactly its N primaries', async () => {
  const nodes = await startCluster(3, { args: ARGS });
  await waitForRing(nodes, 3);
  const writer = client(nodes[0]!);
  const acked = new Map<string, string>();
  let writing = true;
  let failures = 0;
  const loop = (async () => {
    for (let i = 0; writing; i++) {
      const key = `key:${i % 600}`;
      const value = `v${i}`;
      try {
        if ((await writer.set(key, value)) === 'OK') acked.set(key, value);
      } catch {
        failures++;
      }
    }
  })();
  await eventually(() => acked.size >= 300, 15_000);

  const fourth = await startNode(nodes[0]!, ARGS);
  const four = [...nodes, fourth];
  await waitForRing(four, 4);
  await eventually(() => acked.size >= 600, 15_000);
  writing = false;
  await loop;
  expect(failures).toBeLessThan(20);
  await waitForTransfers(four.map(client));
  await expectPlaced(four, acked);
  const transferred = await Promise.all(four.map((node) => client(node).info('cluster')));
  expect(transferred.some((info) => /transfer_records_sent:[1-9]/.test(info))).toBe(true);
  expect(/transfer_records_received:[1-9]/.test(transferred[3]!)).toBe(true);

  // Node 1 leaves; once it says it is safe to stop, the three others hold everything.
  const leaver = nodes[1]!;
  const leaverClient = client(leaver);
  expect(await leaverClient.call('RING', 'LEAVE')).toBe('OK');
  await eventually(async () => (await ringStatus(leaverClient)).memberStatus.startsWith('removed'), 30_000, 300);
  expect(leaver.logLines.some((line) => line.includes('handoff complete, safe to stop'))).toBe(true);
  expect(await leaverClient.dbsize()).toBe(0);
  const rest = four.filter((node) => node !== leaver);
  await waitForRing(rest, 3);
  await stopCluster([leaver]);
  await waitForTransfers(rest.map(client));
  await expectPlaced(rest, acked);
}, 120_000);
