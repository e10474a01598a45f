/**
 * Merkle anti-entropy in the simulator: a node restarted with its node id on an empty disk is
 * refilled by anti-entropy alone (no client reads, so no read repair), every partition is
 * covered within a cycle well under a minute, and the replicas' trees then agree.
 */
import { nodeHashes } from '../../src/antientropy/merkle-tree';
import { AE_EXCHANGE_INTERVAL_MS } from '../../src/antientropy/scheduler';
import { runFor } from '../../src/sim/sim-clock';
import { DEFAULT_SIM_CLUSTER } from '../../src/sim/sim-node';
import { SimCluster } from '../../src/sim/run-schedule';
import { checkMerkleConvergence } from '../../src/sim/merkle-checker';
import { equalSets } from '../../src/versioning/dvvset';

const KEYS = 200;

test('a node restarted on an empty disk with its node id is refilled by anti-entropy', async () => {
  const cluster = new SimCluster(5, 3, DEFAULT_SIM_CLUSTER);
  const [n1, n2, n3] = cluster.nodes;
  for (const node of cluster.nodes) node.start();
  await runFor(cluster.clock, 10_000);
  const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key:${i}`));
  for (const key of keys) {
    await cluster.drive(n1!.parts.coordinator.mutate(key, { kind: 'set', value: key, expiresAtMs: 0, returnPrevious: false }));
  }
  await runFor(cluster.clock, 2_000);
  const held = (node: typeof n1) => keys.filter((key) => node!.parts.replica.read(node!.parts.replica.partitionOf(key), key).entries.length > 0).length;
  expect(held(n3)).toBe(KEYS);

  n3!.crash();
  n3!.replaceDisk();
  n3!.restart();
  expect(held(n3)).toBe(0);
  // One full cycle over 64 partitions, plus gossip finding the restarted node.
  const cycleMs = 64 * AE_EXCHANGE_INTERVAL_MS;
  expect(cycleMs).toBeLessThan(60_000);
  await runFor(cluster.clock, cycleMs + 5_000);

  expect(held(n3)).toBe(KEYS);
  for (const key of keys) {
    const partition = n1!.parts.replica.partitionOf(key);
    expect(equalSets(n3!.parts.replica.read(partition, key), n2!.parts.replica.read(partition, key))).toBe(true);
  }
  for (let partition = 0; partition < 64; partition++) {
    const root = (node: typeof n1) => nodeHashes(node!.parts.replica.trees.segments(partition), 0, [0])[0]!.toString('hex');
    expect(root(n3)).toBe(root(n1));
  }
  expect(checkMerkleConvergence(cluster.nodes, n1!, 3)).toEqual({ violations: [], skipped: 0 });
  const status = n3!.parts.antiEntropy.status();
  expect(status.keysPulled).toBeGreaterThan(0);
  expect(status.cycles).toBeGreaterThanOrEqual(1);
  expect(status.lastCycleMs).toBeLessThan(60_000);
  await runFor(cluster.clock, cycleMs);
  expect(n3!.parts.antiEntropy.status().partitionsBehind).toBe(0);
  expect(n1!.parts.antiEntropy.status().partitionsBehind).toBe(0);
  // The restarted node refuted the incarnation it forgot: the others know it as a new life.
  expect(n1!.parts.membership.table.get(n3!.nodeId)!.incarnation).toBeGreaterThan(1);
  expect(cluster.network.handlerErrors).toEqual([]);
  expect(cluster.loggedErrors).toEqual([]);
  for (const node of cluster.nodes) node.pause();
});
