/**
 * SPEC 3.5 told step by step: a tombstone is reaped only once every replica holds the deletion.
 * While one replica is cut off with the old value, nobody reaps; after the heal, read repair or
 * anti-entropy gives it the tombstone, and then every replica reaps and the value never returns.
 */
import { runFor } from '../../src/sim/sim-clock';
import { DEFAULT_SIM_CLUSTER } from '../../src/sim/sim-node';
import { SimCluster } from '../../src/sim/run-schedule';
import { REAP_RING_SETTLED_MS } from '../../src/antientropy/tombstone-reaper';
import { siblings, type DvvSet } from '../../src/versioning/dvvset';

const b = (text: string) => Buffer.from(text);
const live = (set: DvvSet) => siblings(set).filter((s) => !s.version.tombstone).map((s) => s.version.data.toString());

describe('tombstone reaping in the simulator', () => {
  it('keeps the tombstone while a replica with the old value is cut off, reaps everywhere after the heal', async () => {
    const cluster = new SimCluster(41, 3, DEFAULT_SIM_CLUSTER);
    const [n1, n2, n3] = cluster.nodes;
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, REAP_RING_SETTLED_MS + 5_000);
    const key = b('cart');
    const partition = n1.parts.replica.partitionOf(key);
    await cluster.drive(n1.parts.coordinator.mutate(key, { kind: 'set', value: b('milk'), expiresAtMs: 0, returnPrevious: false }));
    await runFor(cluster.clock, 2_000);
    expect(cluster.nodes.map((node) => live(node.parts.replica.read(partition, key)))).toEqual([['milk'], ['milk'], ['milk']]);

    // n3 is cut off and misses the delete.
    for (const other of [n1, n2]) {
      cluster.network.cut(n3.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, n3.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    await cluster.drive(n1.parts.coordinator.mutate(key, { kind: 'delete' }));
    // Far past the grace: n1 and n2 cannot confirm with n3, so both keep the tombstone.
    await runFor(cluster.clock, DEFAULT_SIM_CLUSTER.tombstoneGraceMs + 90_000);
    expect(n1.parts.replica.read(partition, key).entries.length).toBeGreaterThan(0);
    expect(n2.parts.replica.read(partition, key).entries.length).toBeGreaterThan(0);
    expect(live(n3.parts.replica.read(partition, key))).toEqual(['milk']);
    expect(n1.parts.reaper.reaped).toBe(0);

    // Heal: anti-entropy hands n3 the tombstone; then every replica confirms and reaps.
    cluster.heal();
    await runFor(cluster.clock, 150_000);
    for (const node of cluster.nodes) expect(node.parts.replica.read(partition, key).entries).toEqual([]);
    const read = await cluster.drive(Promise.resolve(n2.parts.coordinator.read(key, { r: 3 })));
    expect(live(read)).toEqual([]);
    expect(cluster.nodes.reduce((sum, node) => sum + node.parts.reaper.reaped, 0)).toBeGreaterThanOrEqual(3);
    for (const node of cluster.nodes) node.pause();
  });
});
