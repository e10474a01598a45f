/**
 * The deterministic simulator (src/sim): the real node components over a simulated network,
 * clock and store, from one seed. These runs are short; `npm run sim -- --schedules K --seed S`
 * runs many more.
 */
import { BREAK_NAMES, BreakName } from '../../src/lib/breaks';
import { join, siblings } from '../../src/versioning/dvvset';
import { preferenceList } from '../../src/ring/preference-list';
import { runFor } from '../../src/sim/sim-clock';
import { DEFAULT_SIM_CLUSTER } from '../../src/sim/sim-node';
import { DEFAULT_SCHEDULE, SimCluster, runSchedule } from '../../src/sim/run-schedule';
import { runScaleModel } from '../../src/sim/scale-model';

const SHORT = { ...DEFAULT_SCHEDULE, workloadMs: 30_000, quiesceMs: 10_000 };

function valuesOf(set: Parameters<typeof siblings>[0]): string[] {
  return siblings(set)
    .filter((s) => !s.version.tombstone)
    .map((s) => s.version.data.toString())
    .sort();
}

describe('simulator', () => {
  it('finds no violations in fault-free schedules', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await runSchedule({ ...SHORT, seed, faults: false });
      expect(result.violations).toEqual([]);
      expect(result.summary).toMatch(/acked [1-9]/);
    }
  });

  it('replays a seed exactly: same trace, same violations', async () => {
    const first = await runSchedule({ ...SHORT, seed: 7 });
    const second = await runSchedule({ ...SHORT, seed: 7 });
    expect(second.digest).toBe(first.digest);
    expect(second.traceTail).toEqual(first.traceTail);
    expect(second.violations).toEqual(first.violations);
    const other = await runSchedule({ ...SHORT, seed: 8 });
    expect(other.digest).not.toBe(first.digest);
  });

  it('loses no acknowledged write and throws nothing under crashes, pauses, partitions and lossy links (seeds 43-46)', async () => {
    for (const seed of [43, 44, 45, 46]) {
      const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed });
      expect(result.violations).toEqual([]);
    }
  });

  // The simulator's first find: a forwarded mutation that timed out was coordinated again by the
  // next primary, although the first may have applied it, so one client write became two
  // concurrent versions (a false sibling). Seed 42 reproduced it in every run before the fix.
  it('SPEC 3.4: a forward that timed out is never applied twice (seed 42)', async () => {
    const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed: 42 });
    expect(result.violations).toEqual([]);
  });

  it('partition one node, write through the majority, heal, read back', async () => {
    // Three nodes, N=3 W=2: every node holds every key.
    const cluster = new SimCluster(11, 3, DEFAULT_SIM_CLUSTER);
    const [n1, n2, n3] = cluster.nodes;
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, 10_000);

    // n3 is cut off both ways; the majority notices it stopped gossiping.
    for (const other of [n1, n2]) {
      cluster.network.cut(n3.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, n3.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    expect(n1.parts.membership.isUsable(n3.nodeId)).toBe(false);

    // A write through the majority is acknowledged by n1 and n2.
    const key = Buffer.from('greeting');
    await cluster.drive(n1.parts.coordinator.mutate(key, { kind: 'set', value: Buffer.from('hello'), expiresAtMs: 0, returnPrevious: false }));
    const partition = n3.parts.replica.partitionOf(key);
    expect(valuesOf(n2.parts.replica.read(partition, key))).toEqual(['hello']);
    expect(valuesOf(n3.parts.replica.read(partition, key))).toEqual([]);

    // Heal; a full read through the node that missed the write sees it, and repairs its replica.
    cluster.heal();
    await runFor(cluster.clock, 15_000);
    const read = await cluster.drive(Promise.resolve(n3.parts.coordinator.read(key, { r: 3 })));
    expect(valuesOf(read)).toEqual(['hello']);
    await runFor(cluster.clock, 1_000);
    expect(valuesOf(n3.parts.replica.read(partition, key))).toEqual(['hello']);
    for (const node of cluster.nodes) node.pause();
  });

  it('a node restarts and gossips on while its disk is full (the member table is not saved, nothing throws)', async () => {
    // Found by the full-disk fault: ClusterMembership saved its table with a put that throws at
    // once on a full disk, so a restart threw out of the constructor and gossip rejected.
    const cluster = new SimCluster(12, 3, DEFAULT_SIM_CLUSTER);
    const [, n2, n3] = cluster.nodes;
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, 5_000);
    n2.store.setFull(true);
    n2.crash();
    n2.restart();
    // Another node's new incarnation changes n2's table: n2 tries to save it again.
    n3.crash();
    n3.restart();
    await runFor(cluster.clock, 10_000);
    expect(cluster.network.handlerErrors).toEqual([]);
    expect(cluster.loggedErrors).toEqual([]);
    expect(n2.parts.membership.isUsable(n3.nodeId)).toBe(true);
    for (const node of cluster.nodes) node.pause();
  });

  it('measures gossip traffic in an idle cluster (scale model)', async () => {
    const report = await runScaleModel({ nodes: 10, durationMs: 10_000, seed: 1 });
    expect(report.messagesPerNodePerS).toBeGreaterThan(0);
    expect(report.bytesPerNodePerS).toBeGreaterThan(report.messagesPerNodePerS);
    expect(report.summary).toMatch(/^scale: 10 nodes/);
  });
});

/**
 * Each deliberate bug (src/lib/breaks.ts) must be caught, or the checkers prove nothing. Each
 * break names the checker expected to catch it and a seed where it showed; any change to the
 * workload or the node reshuffles schedules, so the test tries that seed first and then the
 * following ones, and the break must show within SEARCH_SEEDS_MAX short schedules.
 */
describe('simulator catches deliberate bugs', () => {
  const CAUGHT: ReadonlyArray<{ name: BreakName; seed: number; by: RegExp; antiEntropy?: false }> = [
    // A fallback acknowledges a hint it never stored: held by fewer than W nodes at the ack.
    { name: 'skip-hint-storage', seed: 2, by: /^ack before W/ },
    // Repaired replicas get only the LWW winner: they end unequal to those already complete.
    // Watched with anti-entropy off: it syncs the damaged record everywhere, so replicas agree
    // (on a clock that covers the dropped dots, which the lost-write check reads as superseded).
    { name: 'read-repair-drops-siblings', seed: 2, by: /^not converged after read repair/, antiEntropy: false },
    // A replica merge drops an actor's entry: the new version is not held where it was acked.
    { name: 'clock-merge-loses-entry', seed: 1, by: /^ack before W|^not converged/ },
    // The coordinator answers after its own write alone.
    { name: 'ack-before-w', seed: 1, by: /^ack before W/ },
    // A tombstone is reaped past grace without asking the other replicas: an older value comes back.
    { name: 'reap-unconfirmed', seed: 72, by: /^deleted value back/ },
    // Odd Merkle segments are never updated: trees drift from the data, and anti-entropy never
    // looks at what differs there.
    { name: 'merkle-update-skipped', seed: 1, by: /^merkle tree out of step with data|^replicas differ after anti-entropy/ },
    // A counter write applies on the LWW winner's state only: concurrent increments are lost.
    { name: 'datatype-write-drops-siblings', seed: 70, by: /^counter cnt\d reads/ },
  ];

  it('pins a seed for every break', () => {
    expect(CAUGHT.map((c) => c.name).sort()).toEqual([...BREAK_NAMES].sort());
  });

  const SEARCH_SEEDS_MAX = 60;

  it.each(CAUGHT)('catches $name (from seed $seed)', async ({ name, seed, by, antiEntropy }) => {
    const cluster = { ...SHORT.cluster, antiEntropy: antiEntropy ?? true };
    const tried: number[] = [];
    for (let next = seed; tried.length < SEARCH_SEEDS_MAX; next++) {
      tried.push(next);
      const result = await runSchedule({ ...SHORT, cluster, seed: next, breaks: [name] });
      if (result.violations.some((v) => by.test(v))) return;
    }
    throw new Error(`${name} was not caught in seeds ${tried[0]}-${tried[tried.length - 1]}`);
  }, 120_000);

  it('finds nothing in the same seeds with no break on', async () => {
    for (const seed of new Set(CAUGHT.map((c) => c.seed))) {
      const result = await runSchedule({ ...SHORT, seed });
      expect(result.violations).toEqual([]);
    }
  });
});

/**
 * Found by the full-disk fault: a primary whose own replica write failed (disk full) had already
 * sent the new version to the other replicas; its replica never recorded the dot, so its next
 * write to the key issued the same dot with another value. The coordinating primary now commits
 * its own replica before replicating. Seed 7 showed it every time before the fix. (The fault stays
 * opt-in, `--disk-full`: seeds 30, 40 and 45 still reuse a dot, through a path not found yet.)
 */
describe('a failed local write and dots', () => {
  it('a full disk on a coordinating primary never makes it issue one dot twice (seed 7, --disk-full)', async () => {
    const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed: 7, diskFull: true });
    expect(result.violations.filter((v) => v.startsWith('dot reused'))).toEqual([]);
  });
});

/** The paper's situations, told step by step over the simulator. */
describe('scenarios from the Dynamo paper', () => {
  const b = (text: string) => Buffer.from(text);

  it('the shopping cart: writes on both sides of a partition become siblings; a write with their merged context resolves them', async () => {
    const cluster = new SimCluster(21, 3, DEFAULT_SIM_CLUSTER);
    const [n1, n2, n3] = cluster.nodes;
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, 10_000);
    const cart = b('cart');
    const first = await cluster.drive(n1.parts.coordinator.mutate(cart, { kind: 'vset', value: b('milk'), context: new Map(), expiresAtMs: 0 }));

    // n3 is cut off; both sides keep accepting writes from the same starting context.
    for (const other of [n1, n2]) {
      cluster.network.cut(n3.nodeId, other.nodeId);
      cluster.network.cut(other.nodeId, n3.nodeId);
    }
    await runFor(cluster.clock, 15_000);
    await cluster.drive(n1.parts.coordinator.mutate(cart, { kind: 'vset', value: b('milk,eggs'), context: first.context, expiresAtMs: 0 }));
    await cluster.drive(n3.parts.coordinator.mutate(cart, { kind: 'vset', value: b('milk,bread'), context: first.context, expiresAtMs: 0 }, { w: 1 }));

    // Heal: a full read sees both branches as siblings (no lost update).
    cluster.heal();
    await runFor(cluster.clock, 15_000);
    const merged = await cluster.drive(Promise.resolve(n2.parts.coordinator.read(cart, { r: 3 })));
    expect(valuesOf(merged)).toEqual(['milk,bread', 'milk,eggs']);

    // The application merges the siblings and writes back with the joined context: one version.
    await cluster.drive(n2.parts.coordinator.mutate(cart, { kind: 'vset', value: b('milk,eggs,bread'), context: join(merged), expiresAtMs: 0 }));
    await runFor(cluster.clock, 2_000);
    const resolved = await cluster.drive(Promise.resolve(n3.parts.coordinator.read(cart, { r: 3 })));
    expect(valuesOf(resolved)).toEqual(['milk,eggs,bread']);
    for (const node of cluster.nodes) node.pause();
  });

  it('sloppy quorum and hinted handoff: with a primary down, the next node keeps the write as a hint and hands it back when the primary returns', async () => {
    const cluster = new SimCluster(22, 4, DEFAULT_SIM_CLUSTER);
    for (const node of cluster.nodes) node.start();
    await runFor(cluster.clock, 10_000);
    const key = b('sloppy');
    const [writer] = cluster.nodes;
    const partition = writer.parts.replica.partitionOf(key);
    const primaries = preferenceList(writer.parts.membership.owners(), partition, 3, () => true).primaries.map((e) => e.node);
    const down = cluster.nodes.find((node) => primaries.includes(node.nodeId) && node !== writer)!;
    const spare = cluster.nodes.find((node) => !primaries.includes(node.nodeId))!;

    down.crash();
    await runFor(cluster.clock, 15_000);
    await cluster.drive(writer.parts.coordinator.mutate(key, { kind: 'set', value: b('kept'), expiresAtMs: 0, returnPrevious: false }));
    await runFor(cluster.clock, 1_000);

    // The spare node stood in for the down primary: it holds the write as a hint for it.
    expect(spare.parts.hints.pending().get(down.nodeId)).toBe(1);
    expect(valuesOf(spare.parts.hints.read(down.nodeId, partition, key))).toEqual(['kept']);

    // The primary comes back: once the spare sees it up, the hint is handed off, then deleted.
    down.restart();
    await runFor(cluster.clock, 20_000);
    expect(valuesOf(down.parts.replica.read(partition, key))).toEqual(['kept']);
    expect(spare.parts.hints.pending().get(down.nodeId)).toBeUndefined();
    for (const node of cluster.nodes) node.pause();
  });
});
