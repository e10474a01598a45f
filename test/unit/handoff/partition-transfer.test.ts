/**
 * The partition transfer shell over the real node components: MemoryStore, the simulator's
 * network and clock (src/sim), so batches, acknowledgements, crashes and restarts are real.
 */
import type { Mutation } from '../../../src/coordinator/mutation';
import { preferenceList } from '../../../src/ring/preference-list';
import { SimCluster } from '../../../src/sim/run-schedule';
import { runFor } from '../../../src/sim/sim-clock';
import { DEFAULT_SIM_CLUSTER, SimNode } from '../../../src/sim/sim-node';
import { partitionDataRange, transferCursorKey } from '../../../src/storage/keys';
import { join, siblings, update } from '../../../src/versioning/dvvset';
import { pickWinner } from '../../../src/versioning/lww';

// Small batches: a transfer takes many of them, so a crash or a write can land in the middle.
const CONFIG = { ...DEFAULT_SIM_CLUSTER, partitions: 16, transferLimits: { recordsPerBatchMax: 4, bytesPerBatchMax: 64 * 1024 } };
const set = (value: string): Mutation => ({ kind: 'set', value: Buffer.from(value), expiresAtMs: 0, returnPrevious: false });
const keys = Array.from({ length: 120 }, (_, i) => `key:${i}`);

async function cluster3(seed: number): Promise<{ cluster: SimCluster; n1: SimNode; n4: SimNode }> {
  const cluster = new SimCluster(seed, 4, CONFIG);
  const [n1, n2, n3, n4] = cluster.nodes;
  for (const node of [n1, n2, n3]) node.start();
  await runFor(cluster.clock, 10_000);
  for (const key of keys) await cluster.drive(n1.parts.coordinator.mutate(Buffer.from(key), set(`v1:${key}`)));
  return { cluster, n1, n4 };
}

/** What GET answers from this node's replica (the last writer among siblings), [] if nothing. */
function valuesOn(node: SimNode, key: string): string[] {
  const bytes = Buffer.from(key);
  const { replica } = node.parts;
  const winner = pickWinner(siblings(replica.read(replica.partitionOf(bytes), bytes)));
  return winner === undefined || winner.version.tombstone ? [] : [winner.version.data.toString()];
}

/** Every key on exactly its N primaries (in `viewer`'s ring), nowhere else, with `expected` values. */
function expectPlaced(cluster: SimCluster, viewer: SimNode, expected: (key: string) => string, running = cluster.nodes.filter((n) => n.state === 'up')): void {
  const owners = viewer.parts.membership.owners();
  for (const key of keys) {
    const partition = viewer.parts.replica.partitionOf(Buffer.from(key));
    const primaries = preferenceList(owners, partition, CONFIG.n, () => true).primaries.map((p) => p.node);
    for (const node of running) {
      const values = valuesOn(node, key);
      if (primaries.includes(node.nodeId)) expect({ key, node: node.nodeId, values }).toEqual({ key, node: node.nodeId, values: [expected(key)] });
      else expect({ key, node: node.nodeId, values }).toEqual({ key, node: node.nodeId, values: [] });
    }
  }
}

function transfersLeft(cluster: SimCluster): number {
  return cluster.nodes.filter((n) => n.state === 'up').reduce((sum, n) => sum + n.parts.transfer.transfers().length, 0);
}

/** Until every running node sees the same ring and none hands anything off, twice in a row. */
async function untilTransfersDone(cluster: SimCluster, maxMs = 60_000): Promise<void> {
  let quiet = 0;
  for (let waited = 0; waited < maxMs; waited += 500) {
    await runFor(cluster.clock, 500);
    const rings = new Set(cluster.nodes.filter((n) => n.state === 'up').map((n) => n.parts.membership.owners().join()));
    quiet = rings.size === 1 && transfersLeft(cluster) === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
  }
  throw new Error(`transfers not done after ${maxMs} ms: ${transfersLeft(cluster)} left`);
}

test('a node joins: old owners hand it its partitions, then hold only what they are primaries of', async () => {
  const { cluster, n1, n4 } = await cluster3(1);
  // With N=3 of 3 nodes everyone holds every key; n4's arrival moves a share of partitions to it.
  n4.start();
  await untilTransfersDone(cluster);
  expectPlaced(cluster, n1, (key) => `v1:${key}`);
  const sent = cluster.nodes.reduce((sum, n) => sum + n.parts.transfer.stats.recordsSent, 0);
  expect(sent).toBeGreaterThan(0);
  expect(n4.parts.replica.liveKeys).toBeGreaterThan(0);
  // Every node reads every key.
  for (const node of cluster.nodes) {
    for (const key of keys.slice(0, 20)) expect(valuesOf(await cluster.drive(Promise.resolve(node.parts.coordinator.read(Buffer.from(key)))))).toEqual([`v1:${key}`]);
  }
});

test('a source that crashes mid-transfer resumes after its persisted cursor, not from scratch', async () => {
  const { cluster, n4 } = await cluster3(2);
  const batches: Array<{ from: string; partition: number; first: string }> = [];
  cluster.network.observe((from, _to, body) => {
    if (body.kind === 'transferBatch') batches.push({ from, partition: body.partition, first: body.records[0]!.key.toString() });
  });
  n4.start();
  // Run until some source has dropped part (not all) of a partition.
  let source: SimNode | undefined;
  let partition = -1;
  for (let i = 0; i < 400 && source === undefined; i++) {
    await runFor(cluster.clock, 10);
    for (const node of cluster.nodes.slice(0, 3)) {
      const midway = node.parts.transfer.transfers().find((t) => t.dropped > 0 && t.dropped < t.total);
      if (midway) {
        source = node;
        partition = midway.partition;
        break;
      }
    }
  }
  expect(source).toBeDefined();
  await runFor(cluster.clock, 1); // let the drop's group commit land
  const cursor = source!.store.get('meta', transferCursorKey(partition));
  expect(cursor).toBeDefined();
  source!.crash();
  await runFor(cluster.clock, 3_000);
  const before = batches.length;
  source!.restart();
  await untilTransfersDone(cluster);
  const resumed = batches.slice(before).find((b) => b.from === source!.nodeId && b.partition === partition);
  // The first batch of that partition after the restart starts after the cursor.
  expect(resumed).toBeDefined();
  expect(Buffer.compare(Buffer.from(resumed!.first), cursor!)).toBeGreaterThan(0);
  expectPlaced(cluster, n4, (key) => `v1:${key}`);
});

test('writes landing during the transfer are not lost, and no source keeps a copy', async () => {
  const { cluster, n1, n4 } = await cluster3(3);
  n4.start();
  // Overwrite every key while the partitions move (through several coordinators).
  let duringTransfer = 0;
  const writes = keys.map(async (key, i) => {
    await cluster.clock.sleep(10 * i);
    const via = cluster.nodes[i % 4]!;
    if (transfersLeft(cluster) > 0) duringTransfer++;
    await via.parts.coordinator.mutate(Buffer.from(key), set(`v2:${key}`));
  });
  await cluster.drive(Promise.all(writes));
  expect(duringTransfer).toBeGreaterThan(10);
  await untilTransfersDone(cluster);
  expectPlaced(cluster, n1, (key) => `v2:${key}`);
});

test('a write that lands on a source while its batch is in flight is sent again, not dropped', async () => {
  const { cluster, n1, n4 } = await cluster3(5);
  const landed: string[] = [];
  cluster.network.observe((from, _to, body) => {
    if (body.kind !== 'transferBatch' || landed.length >= 5) return;
    const source = cluster.node(from);
    const key = body.records[body.records.length - 1]!.key;
    if (landed.includes(key.toString())) return;
    // As a replica write from a coordinator with a stale ring would: merged into the source's copy.
    const { replica } = source.parts;
    const current = replica.read(body.partition, key);
    const nowMs = source.clock.nowMs();
    replica.write(body.partition, key, current, update(current, join(current), 'stale.1', { data: Buffer.from(`v3:${key}`), tombstone: false, timestampMs: nowMs + 1000, expiresAtMs: 0 }, nowMs));
    landed.push(key.toString());
  });
  n4.start();
  await untilTransfersDone(cluster);
  expect(landed).toHaveLength(5);
  expectPlaced(cluster, n1, (key) => (landed.includes(key) ? `v3:${key}` : `v1:${key}`));
});

test('a node leaves: it stops owning at once, hands everything off, then is removed and says so', async () => {
  const { cluster, n1, n4 } = await cluster3(4);
  n4.start();
  await untilTransfersDone(cluster);
  n1.parts.membership.leave();
  expect(n1.parts.membership.owners()).not.toContain(n1.nodeId);
  await untilTransfersDone(cluster);
  await runFor(cluster.clock, 3_000);
  expect(n1.parts.membership.status).toBe('removed');
  for (let p = 0; p < CONFIG.partitions; p++) {
    let held = 0;
    n1.store.scan('data', partitionDataRange(p), () => (held++, true));
    expect(held).toBe(0);
  }
  const others = cluster.nodes.slice(1);
  expectPlaced(cluster, n4, (key) => `v1:${key}`, others);
  for (const node of others) expect(node.parts.membership.owners()).not.toContain(n1.nodeId);
});

function valuesOf(set: Parameters<typeof siblings>[0]): string[] {
  return siblings(set)
    .filter((s) => !s.version.tombstone)
    .map((s) => s.version.data.toString());
}

test('RING LEAVE is refused on the only member: there is nobody to hand the data to', async () => {
  const cluster = new SimCluster(6, 1, CONFIG);
  const [only] = cluster.nodes;
  only!.start();
  await runFor(cluster.clock, 2_000);
  expect(() => only!.parts.membership.leave()).toThrow(/only member/);
  expect(only!.parts.membership.status).toBe('up');
});
