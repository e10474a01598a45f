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
import { preferenceList } from '../../src/ring/preference-list';

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

  it('keeps the tombstone while a paused fallback holds a hint of the old value, so the hint cannot bring it back', async () => {
    const cluster = new SimCluster(43, 4, DEFAULT_SIM_CLUSTER);
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, REAP_RING_SETTLED_MS + 5_000);
    const key = b('cart');
    const first = cluster.nodes[0];
    const partition = first.parts.replica.partitionOf(key);
    const primaryIds = preferenceList(first.parts.membership.owners(), partition, 3, () => true).primaries.map((entry) => entry.node);
    const [p1, p2, p3] = primaryIds.map((id) => cluster.nodes.find((node) => node.nodeId === id)!);
    const fallback = cluster.nodes.find((node) => !primaryIds.includes(node.nodeId))!;

    // p3 is cut off; once the others see it down, a write leaves a hint for it on the fallback.
    for (const other of [p1, p2, fallback]) {
      cluster.network.cut(p3.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, p3.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    await cluster.drive(p1.parts.coordinator.mutate(key, { kind: 'set', value: b('old'), expiresAtMs: 0, returnPrevious: false }));
    expect(live(fallback.parts.hints.read(p3.nodeId, partition, key))).toEqual(['old']);

    // The fallback stops before handing the hint back; p3 returns and the key is deleted everywhere.
    fallback.pause();
    cluster.heal();
    fallback.pause();
    await runFor(cluster.clock, 20_000);
    await cluster.drive(p1.parts.coordinator.mutate(key, { kind: 'delete' }, { w: 3 }));
    // Far past the grace: the primaries agree, but the paused fallback cannot confirm its hint.
    await runFor(cluster.clock, DEFAULT_SIM_CLUSTER.tombstoneGraceMs + 60_000);
    for (const node of [p1, p2, p3]) expect(node.parts.replica.read(partition, key).entries.length).toBeGreaterThan(0);

    // The fallback resumes and delivers its hint: the tombstone supersedes it.
    fallback.resume();
    await runFor(cluster.clock, 150_000);
    const read = await cluster.drive(Promise.resolve(p2.parts.coordinator.read(key, { r: 3 })));
    expect(live(read)).toEqual([]);
    for (const node of [p1, p2, p3]) expect(live(node.parts.replica.read(partition, key))).toEqual([]);
    for (const node of cluster.nodes) node.pause();
  });
});
