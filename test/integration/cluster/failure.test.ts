/**
 * Node failures (kill -9) in real clusters: writes keep succeeding while W replicas are
 * reachable, without waiting for the failure detector; the detector marks the dead node down;
 * below W the cluster answers -UNAVAILABLE promptly instead of hanging; a restarted node is seen
 * up again and serves; and with a spare node in the ring (4 nodes, N=3), a write for a key whose
 * primary is down goes to the fallback, which keeps a hint for the dead primary (sloppy quorum,
 * SPEC 3.1). Hint delivery is a later step and is not tested here.
 *
 * --request-timeout 300: a dead peer's requests fail fast (gossip timing is fixed at 1 s).
 */
import { eventually } from '../../helpers/node-process';
import {
  client,
  closeAll,
  hintsPending,
  nodeIdOf,
  preflist,
  startCluster,
  waitForRing,
  waitForStatus,
} from '../../helpers/cluster';

const ARGS = ['--n', '3', '--r', '2', '--w', '2', '--request-timeout', '300'];

afterEach(async () => {
  await closeAll();
});

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

/** The error a command rejects with (fails the test if it succeeds). */
async function errorOf(command: Promise<unknown>): Promise<Error> {
  try {
    const reply = await command;
    throw new Error(`expected an error, got ${JSON.stringify(reply)}`);
  } catch (err) {
    return err as Error;
  }
}

test('3 nodes: writes go on after kill -9 of one, UNAVAILABLE below W, a restarted node serves again', async () => {
  const nodes = await startCluster(3, { args: ARGS });
  const [nodeA, nodeB, nodeC] = nodes;
  await waitForRing(nodes, 3);
  const [idA, idB] = await Promise.all([nodeIdOf(nodeA), nodeIdOf(nodeB)]);
  const a = client(nodeA);
  const c = client(nodeC);

  const before = range(50).map((i) => `before:${i}`);
  await Promise.all(before.map((key) => a.set(key, key)));

  // B crashes. Writes through A succeed at once: A and C make W=2 whatever A's detector thinks.
  await nodeB.kill('SIGKILL');
  const started = performance.now();
  const keys = range(200).map((i) => `after:${i}`);
  const replies = await Promise.all(keys.map((key, i) => a.set(key, `v${i}`)));
  expect(replies.every((reply) => reply === 'OK')).toBe(true);
  // No waiting for failure detection (~4-5 s): well under one detection period.
  expect(performance.now() - started).toBeLessThan(3000);
  expect(await c.mget(...keys)).toEqual(keys.map((_, i) => `v${i}`));
  expect(await c.mget(...before)).toEqual(before);

  // A's failure detector marks B down.
  await waitForStatus(a, idB, 'down', 15_000);

  // C crashes too: A alone cannot meet W=2, and says so quickly instead of hanging.
  await nodeC.kill('SIGKILL');
  const writeStarted = performance.now();
  const error = await errorOf(a.set('after:unavailable', 'x'));
  expect(error.message).toMatch(/^UNAVAILABLE /);
  expect(performance.now() - writeStarted).toBeLessThan(3000);
  const readStarted = performance.now();
  expect((await errorOf(a.get('after:1'))).message).toMatch(/^UNAVAILABLE /);
  expect(performance.now() - readStarted).toBeLessThan(3000);
  // Still serving non-quorum commands.
  expect(await a.ping()).toBe('PONG');

  // B restarts on its data dir: A sees it up again, and B serves versioned writes and reads
  // (A and B make W=2 and R=2).
  await nodeB.restart();
  await waitForStatus(a, idB, 'up', 15_000);
  const b = client(nodeB);
  expect(await nodeIdOf(nodeB)).toBe(idB);
  const context = (await b.call('VSET', 'back:1', 'hello-from-b')) as string;
  expect(typeof context).toBe('string');
  const [readContext, siblings] = (await b.call('VGET', 'back:1')) as [string, string[]];
  expect(siblings).toEqual(['hello-from-b']);
  expect(readContext).not.toBe('');
  // What B wrote before the crash is still there.
  expect(await b.mget(...before.slice(0, 10))).toEqual(before.slice(0, 10));
  // A still lists itself and B up.
  await waitForStatus(b, idA, 'up', 5000);
});

test('4 nodes, N=3: with a primary of a key down, a write lands on the fallback as a hint for it', async () => {
  const nodes = await startCluster(4, { args: ARGS });
  await waitForRing(nodes, 4);
  const ids = await Promise.all(nodes.map(nodeIdOf));
  const byId = new Map(ids.map((id, i) => [id, nodes[i]!]));

  // A key whose first primary is not node 0 (the seed stays up: not needed, but simpler to read).
  let key = '';
  let primaries: string[] = [];
  for (let i = 0; ; i++) {
    key = `hinted:${i}`;
    const list = await preflist(nodes[0]!, key);
    primaries = list.entries.map((e) => e.node);
    if (primaries[0] !== ids[0]) break;
  }
  expect(primaries).toHaveLength(3);
  const victimId = primaries[0]!;
  const fallbackId = ids.find((id) => !primaries.includes(id))!;
  const victim = byId.get(victimId)!;
  const survivors = nodes.filter((node) => node !== victim);

  // Before the failure the key lands on its three primaries only: nothing is hinted.
  const writer = client(byId.get(fallbackId)!);
  expect(await writer.set(key, 'before-failure')).toBe('OK');
  for (const node of survivors) expect(await hintsPending(node)).toEqual(new Map());

  await victim.kill('SIGKILL');
  // Every survivor's detector marks the victim down (the coordinator, wherever the write is
  // forwarded, decides its targets from its own view).
  await Promise.all(survivors.map((node) => waitForStatus(node, victimId, 'down', 15_000)));

  // The preference list now has the spare node standing in for the victim, on every survivor.
  for (const node of survivors) {
    const { entries } = await preflist(node, key);
    expect(entries).toHaveLength(3);
    expect(entries.filter((e) => e.role === 'primary').map((e) => e.node).sort()).toEqual(primaries.slice(1).sort());
    expect(entries.find((e) => e.role === 'fallback')).toEqual({ node: fallbackId, role: 'fallback', standsInFor: victimId });
  }

  // Writes to the key succeed through every survivor, and read back through every survivor.
  const clients = survivors.map(client);
  for (const [i, redis] of clients.entries()) expect(await redis.set(key, `while-down-${i}`)).toBe('OK');
  const last = `while-down-${clients.length - 1}`;
  for (const redis of clients) expect(await redis.get(key)).toBe(last);

  // The fallback keeps the write as a hint for the victim (possibly after W=2 answered).
  const fallback = byId.get(fallbackId)!;
  let hints = new Map<string, number>();
  await eventually(async () => {
    hints = await hintsPending(fallback);
    return (hints.get(victimId) ?? 0) >= 1;
  }, 10_000).catch(() => {
    throw new Error(`no hint pending for ${victimId} on the fallback ${fallbackId}: ${JSON.stringify([...hints])}`);
  });
  // Only the victim has hints, and only on the fallback.
  expect([...hints.keys()]).toEqual([victimId]);
  for (const node of survivors) {
    if (node !== fallback) expect(await hintsPending(node)).toEqual(new Map());
  }

  // Hinted handoff: the victim comes back; once the fallback sees it up, the hint is handed to
  // it and deleted, and the victim's own replica holds the latest write (read with R=1 there).
  await victim.restart();
  await waitForStatus(fallback, victimId, 'up', 15_000);
  await eventually(async () => (await hintsPending(fallback)).size === 0, 15_000);
  const returned = client(victim);
  const [, siblings] = (await returned.call('VGET', key, 'R', '1')) as [string, string[]];
  expect(siblings).toContain(last);
});
