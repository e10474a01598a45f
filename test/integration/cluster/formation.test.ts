/**
 * Ring formation from seeds: nodes that only know one seed's peer address find each other by
 * gossip, claim the 64 partitions between them in a balanced way, and agree on every key's
 * preference list.
 */
import type { NodeProcess } from '../../helpers/node-process';
import { closeAll, nodeIdOf, preflist, ringMembers, startCluster, waitForRing } from '../../helpers/cluster';

const PARTITIONS = 64;

afterEach(async () => {
  await closeAll();
});

/** Every node lists `size` up members owning all partitions, none more than ceil(Q/size)+1. */
async function expectBalancedRing(nodes: readonly NodeProcess[]): Promise<void> {
  const size = nodes.length;
  await waitForRing(nodes, size);
  const ids = await Promise.all(nodes.map(nodeIdOf));
  expect(new Set(ids).size).toBe(size);
  for (const node of nodes) {
    const members = await ringMembers(node);
    expect(members.map((m) => m.nodeId).sort()).toEqual([...ids].sort());
    expect(members.every((m) => m.status === 'up')).toBe(true);
    // Each member is listed with the ports it really listens on.
    for (const [i, other] of nodes.entries()) {
      const member = members.find((m) => m.nodeId === ids[i]);
      expect(member).toMatchObject({ address: `127.0.0.1:${other.peerPort}`, clientPort: other.port });
    }
    const owned = members.map((m) => m.partitions);
    expect(owned.reduce((a, b) => a + b, 0)).toBe(PARTITIONS);
    expect(Math.max(...owned)).toBeLessThanOrEqual(Math.ceil(PARTITIONS / size) + 1);
    expect(Math.min(...owned)).toBeGreaterThan(0);
  }
}

test('3 nodes form a ring from one seed, balanced, with 3 distinct primaries per key', async () => {
  const nodes = await startCluster(3);
  await expectBalancedRing(nodes);
  const ids = new Set(await Promise.all(nodes.map(nodeIdOf)));

  // Every key has three distinct primaries (N=3 of 3 nodes: all of them), and every node
  // computes the same list.
  for (const key of ['alpha', 'beta', 'gamma', 'user:42', 'cart:7']) {
    const lists = await Promise.all(nodes.map((node) => preflist(node, key)));
    const [first] = lists;
    expect(first.partition).toBeGreaterThanOrEqual(0);
    expect(first.partition).toBeLessThan(PARTITIONS);
    expect(first.entries).toHaveLength(3);
    expect(first.entries.every((e) => e.role === 'primary' && e.standsInFor === null)).toBe(true);
    expect(new Set(first.entries.map((e) => e.node))).toEqual(ids);
    for (const list of lists) expect(list).toEqual(first);
  }
});

test('5 nodes form a balanced ring; keys get 3 distinct primaries out of 5', async () => {
  const nodes = await startCluster(5);
  await expectBalancedRing(nodes);
  const ids = new Set(await Promise.all(nodes.map(nodeIdOf)));

  const primariesSeen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const key = `key:${i}`;
    const lists = await Promise.all(nodes.map((node) => preflist(node, key)));
    const [first] = lists;
    expect(first.entries).toHaveLength(3);
    expect(first.entries.every((e) => e.role === 'primary' && ids.has(e.node))).toBe(true);
    expect(new Set(first.entries.map((e) => e.node)).size).toBe(3);
    for (const list of lists) expect(list).toEqual(first);
    first.entries.forEach((e) => primariesSeen.add(e.node));
  }
  // 20 keys spread over the ring: every node is a primary of some of them.
  expect(primariesSeen).toEqual(ids);
});
