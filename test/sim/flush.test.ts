/**
 * FLUSHALL across a simulated cluster whose flush misses two nodes: one down, one cut off and
 * holding a hint of a pre-flush write for the down one. Whatever order they come back and talk in
 * (the hint may even be delivered between the two stale nodes first), the flushed write never
 * returns and the write made after the flush stays.
 */
import { runFor } from '../../src/sim/sim-clock';
import { DEFAULT_SIM_CLUSTER } from '../../src/sim/sim-node';
import { SimCluster } from '../../src/sim/run-schedule';
import { preferenceList } from '../../src/ring/preference-list';
import { siblings, type DvvSet } from '../../src/versioning/dvvset';

const b = (text: string) => Buffer.from(text);
const valuesOf = (set: DvvSet) =>
  siblings(set)
    .filter((s) => !s.version.tombstone)
    .map((s) => s.version.data.toString())
    .sort();

describe('FLUSHALL in the simulator', () => {
  it.each([31, 32, 33])('a flush missed by a down node and a cut-off fallback holding its hint is not undone (seed %i)', async (seed) => {
    const cluster = new SimCluster(seed, 4, DEFAULT_SIM_CLUSTER);
    for (const node of cluster.nodes) node.start();
    // Long enough for every node to know all four (the ring is the same everywhere).
    await runFor(cluster.clock, 20_000);
    const rings = new Set(cluster.nodes.map((node) => node.parts.membership.owners().join()));
    expect(rings.size).toBe(1);
    const key = b('flushed');
    const [first] = cluster.nodes;
    const partition = first.parts.replica.partitionOf(key);
    const primaries = preferenceList(first.parts.membership.owners(), partition, 3, () => true).primaries.map((e) => e.node);
    const byId = (id: string) => cluster.nodes.find((node) => node.nodeId === id)!;
    const [writer, down] = [byId(primaries[0]), byId(primaries[1])];
    const spare = cluster.nodes.find((node) => !primaries.includes(node.nodeId))!;
    const set = (value: string) => ({ kind: 'set' as const, value: b(value), expiresAtMs: 0, returnPrevious: false });

    down.crash();
    await runFor(cluster.clock, 15_000);
    await cluster.drive(writer.parts.coordinator.mutate(key, set('before flush')));
    await runFor(cluster.clock, 1_000);
    expect(valuesOf(spare.parts.hints.read(down.nodeId, partition, key))).toEqual(['before flush']);

    // The spare is cut off with its hint; the flush reaches only the writer and the fourth node.
    for (const other of cluster.nodes) {
      if (other === spare) continue;
      cluster.network.cut(spare.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, spare.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    await expect(cluster.drive(writer.parts.coordinator.flushAll())).rejects.toThrow(/^UNAVAILABLE FLUSHALL reached 2 of 4 nodes/);
    const after = b('after flush');
    await cluster.drive(writer.parts.coordinator.mutate(after, set('kept'), { w: 2 }));

    // Both stale nodes come back; they may talk to each other before they hear of the flush.
    down.restart();
    cluster.heal();
    await runFor(cluster.clock, 30_000);

    for (const node of cluster.nodes) {
      expect(node.parts.replica.flushGeneration).toBe(1);
      expect(valuesOf(node.parts.replica.read(partition, key))).toEqual([]);
      expect(node.parts.hints.pending().size).toBe(0);
      const read = await cluster.drive(Promise.resolve(node.parts.coordinator.read(key, { r: 3 })));
      expect(valuesOf(read)).toEqual([]);
      const kept = await cluster.drive(Promise.resolve(node.parts.coordinator.read(after, { r: 2 })));
      expect(valuesOf(kept)).toEqual(['kept']);
    }
    expect(cluster.network.handlerErrors).toEqual([]);
    for (const node of cluster.nodes) node.pause();
  });

  it('two FLUSHALLs that chose the same generation: the later one flushes again above it', async () => {
    const cluster = new SimCluster(34, 3, DEFAULT_SIM_CLUSTER);
    const [n1, , n3] = cluster.nodes;
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, 20_000);
    for (const other of cluster.nodes.slice(0, 2)) {
      cluster.network.cut(n3.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, n3.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    await expect(cluster.drive(n1.parts.coordinator.flushAll())).rejects.toThrow(/^UNAVAILABLE FLUSHALL reached 2 of 3/);
    const key = b('written-in-generation-1');
    await cluster.drive(n1.parts.coordinator.mutate(key, { kind: 'set', value: b('v'), expiresAtMs: 0, returnPrevious: false }));
    // n3 never heard of generation 1; its own FLUSHALL picks 1 too, finds it taken, and goes to 2.
    cluster.heal();
    await cluster.drive(n3.parts.coordinator.flushAll());
    await runFor(cluster.clock, 5_000);
    for (const node of cluster.nodes) {
      expect(node.parts.replica.flushGeneration).toBe(2);
      const read = await cluster.drive(Promise.resolve(node.parts.coordinator.read(key, { r: 3 })));
      expect(valuesOf(read)).toEqual([]);
    }
    for (const node of cluster.nodes) node.pause();
  });
});
