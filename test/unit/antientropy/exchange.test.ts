/**
 * The exchange shell over real node cores (composeNodeCore: LocalReplica, MemoryStore, the real
 * peer handler) on the simulator's network: divergent replicas converge, only differing keys
 * move, reapable records are not copied to a replica lacking them, and bytes grow with the
 * difference, not with the data.
 */
import { AntiEntropyExchange, ExchangeResult } from '../../../src/antientropy/exchange';
import { nodeHashes } from '../../../src/antientropy/merkle-tree';
import type { ClusterView } from '../../../src/coordinator/cluster-view';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { SeededRandom } from '../../../src/lib/random';
import { NodeCore, composeNodeCore } from '../../../src/node/node-core';
import { BackgroundBudget } from '../../../src/overload/background-budget';
import { SimClock, runFor } from '../../../src/sim/sim-clock';
import { SimNetwork } from '../../../src/sim/sim-network';
import { MemoryStore } from '../../../src/storage/memory-store';
import { DvvSet, EMPTY_DVVSET, equalSets, join, siblings, update } from '../../../src/versioning/dvvset';

const PARTITIONS = 4;
const GRACE_MS = 60_000;
const AE_KINDS = new Set(['aeTreeRequest', 'aeTreeReply', 'aeKeysRequest', 'aeKeysReply', 'aeFetchRequest', 'aeFetchReply', 'replicaWrite', 'replicaWriteReply']);

interface Pair {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly a: NodeCore;
  readonly b: NodeCore;
  readonly exchange: (options?: { repairKeysMax?: number; budget?: BackgroundBudget }) => Promise<ExchangeResult>;
}

function pair(): Pair {
  const clock = new SimClock(new ManualClock());
  const network = new SimNetwork(clock, new SeededRandom(1));
  const logger = createSilentLogger();
  const core = (nodeId: string): NodeCore => {
    network.addNode(nodeId, { host: nodeId, port: 7000 });
    return composeNodeCore({
      self: { nodeId, host: nodeId, peerPort: 7000, clientPort: 8000 },
      seeds: [],
      store: new MemoryStore({ clock }),
      transport: network.open(nodeId),
      clock,
      random: new SeededRandom(2),
      logger,
      quorum: { n: 2, r: 1, w: 1 },
      partitions: PARTITIONS,
      requestTimeoutMs: 1000,
      gossipIntervalMs: 1000,
      tombstoneGraceMs: GRACE_MS,
      valueBytesMax: 1 << 20,
      clientCommandsTotal: () => 0,
    });
  };
  const a = core('a');
  const b = core('b');
  const view: ClusterView = { selfId: 'a', owners: () => [], addressOf: (id) => ({ host: id, port: 7000 }), isUsable: () => true };
  const exchange = async (options: { repairKeysMax?: number; budget?: BackgroundBudget } = {}) => {
    const ae = new AntiEntropyExchange({
      replica: a.replica,
      transport: network.open('a-initiator'),
      view,
      clock,
      logger,
      budget: options.budget ?? new BackgroundBudget(() => 0),
      requestTimeoutMs: 1000,
      repairKeysMax: options.repairKeysMax ?? 10_000,
    });
    return drive(clock, (async () => {
      let result: ExchangeResult | undefined;
      for (let partition = 0; partition < PARTITIONS; partition++) result = merge(result, await ae.run(partition, 'b'));
      return result!;
    })());
  };
  network.addNode('a-initiator', { host: 'a-initiator', port: 7000 });
  return { clock, network, a, b, exchange };
}

function merge(total: ExchangeResult | undefined, next: ExchangeResult): ExchangeResult {
  if (!total) return next;
  const rank = { equal: 0, repaired: 1, partial: 2, failed: 3 } as const;
  return {
    outcome: rank[next.outcome] > rank[total.outcome] ? next.outcome : total.outcome,
    segmentsDiffering: total.segmentsDiffering + next.segmentsDiffering,
    keysPulled: total.keysPulled + next.keysPulled,
    keysPushed: total.keysPushed + next.keysPushed,
  };
}

async function drive<T>(clock: SimClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => undefined);
  for (let i = 0; !done && i < 10_000; i++) await runFor(clock, 5);
  return watched;
}

const b = (text: string) => Buffer.from(text);

/** Write `value` as `actor` on top of what `core` holds for `key` (its context covers it). */
function put(core: NodeCore, key: string, value: string, actor: string, nowMs: number, tombstone = false): void {
  const partition = core.replica.partitionOf(b(key));
  const current = core.replica.read(partition, b(key));
  core.replica.write(partition, b(key), current, update(current, join(current), actor, { data: b(tombstone ? '' : value), tombstone, timestampMs: nowMs, expiresAtMs: 0 }, nowMs));
}

function copy(from: NodeCore, to: NodeCore, key: string): void {
  const partition = from.replica.partitionOf(b(key));
  to.replica.write(partition, b(key), to.replica.read(partition, b(key)), from.replica.read(partition, b(key)));
}

async function commit(p: Pair): Promise<void> {
  await drive(p.clock, Promise.all([p.a.replica.commit(), p.b.replica.commit()]));
}

const read = (core: NodeCore, key: string): DvvSet => core.replica.read(core.replica.partitionOf(b(key)), b(key));
const values = (set: DvvSet) => siblings(set).map((s) => (s.version.tombstone ? '~' : s.version.data.toString())).sort();
const roots = (core: NodeCore) => Array.from({ length: PARTITIONS }, (_, p) => nodeHashes(core.replica.trees.segments(p), 0, [0])[0]!.toString('hex'));

/** A shared base of `size` keys, identical on both sides. */
function base(p: Pair, size: number, nowMs: number): string[] {
  const keys = Array.from({ length: size }, (_, i) => `key:${i}`);
  for (const key of keys) {
    put(p.a, key, `base-${key}`, 'w', nowMs);
    copy(p.a, p.b, key);
  }
  return keys;
}

test('divergent replicas converge both ways; only the differing keys move', async () => {
  const p = pair();
  const nowMs = p.clock.nowMs();
  const keys = base(p, 300, nowMs);
  put(p.a, 'only-a', 'x', 'a', nowMs);
  put(p.b, 'only-b', 'y', 'b', nowMs);
  put(p.a, keys[7]!, 'newer-on-a', 'a', nowMs + 1); // a descends b here
  put(p.b, keys[8]!, 'newer-on-b', 'b', nowMs + 1); // b descends a here
  put(p.a, keys[9]!, 'concurrent-a', 'a', nowMs + 1);
  put(p.b, keys[9]!, 'concurrent-b', 'b', nowMs + 1); // siblings once merged
  await commit(p);
  expect(roots(p.a)).not.toEqual(roots(p.b));

  const fetched: string[] = [];
  const pushed: string[] = [];
  p.network.observe((from, _to, body) => {
    if (from !== 'a-initiator') return;
    if (body.kind === 'aeFetchRequest') fetched.push(...body.keys.map((key) => key.toString()));
    if (body.kind === 'replicaWrite') pushed.push(body.key.toString());
  });
  const result = await p.exchange();
  await commit(p);

  expect(result.outcome).toBe('repaired');
  // Pulled: what b has newer or alone; pushed: what a has newer or alone; the concurrent key both ways.
  expect(fetched.sort()).toEqual(['key:7', 'key:8', 'key:9', 'only-b'].sort());
  expect(pushed.sort()).toEqual(['key:7', 'key:9', 'only-a'].sort());
  expect(result.keysPulled).toBe(3); // key:8, key:9, only-b
  expect(result.keysPushed).toBe(3);
  expect(roots(p.a)).toEqual(roots(p.b));
  for (const key of [...keys, 'only-a', 'only-b']) expect(equalSets(read(p.a, key), read(p.b, key))).toBe(true);
  expect(values(read(p.a, keys[9]!))).toEqual(['concurrent-a', 'concurrent-b']);
  expect(values(read(p.b, keys[7]!))).toEqual(['newer-on-a']);

  // In sync now: the next exchange stops at the roots.
  expect((await p.exchange()).outcome).toBe('equal');
});

test('reapable records are never copied to a replica that lacks the key; others, tombstones included, are', async () => {
  const p = pair();
  const old = p.clock.nowMs() - 2 * GRACE_MS;
  put(p.a, 'reaped-on-b', '', 'a', old, true); // a tombstone past grace that b already reaped
  put(p.b, 'reaped-on-a', '', 'b', old, true);
  put(p.a, 'fresh-tombstone', '', 'a', p.clock.nowMs(), true); // within grace: repaired like a value
  // a holds an old tombstone over the value b still holds: b must get the tombstone.
  put(p.a, 'stale-on-b', 'v', 'w', old - 10);
  copy(p.a, p.b, 'stale-on-b');
  put(p.a, 'stale-on-b', '', 'a', old, true);
  await commit(p);

  const result = await p.exchange();
  await commit(p);
  expect(result.outcome).toBe('repaired');
  expect(read(p.b, 'reaped-on-b')).toEqual(EMPTY_DVVSET);
  expect(read(p.a, 'reaped-on-a')).toEqual(EMPTY_DVVSET);
  expect(values(read(p.b, 'fresh-tombstone'))).toEqual(['~']);
  expect(values(read(p.b, 'stale-on-b'))).toEqual(['~']);
});

test('the repair limit and the background budget bound one exchange; later ones finish the job', async () => {
  const p = pair();
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  for (const key of keys) put(p.a, key, key, 'a', p.clock.nowMs());
  await commit(p);

  const starved = new BackgroundBudget(() => 0, { recordsPerSecondIdle: 1, recordsPerSecondBusy: 1, busyCommandsPerSecond: 1 });
  starved.tryTake(p.clock.nowMs(), 1); // empty the bucket
  const refused = await p.exchange({ budget: starved });
  expect(refused.outcome).toBe('partial');
  expect(refused.keysPushed + refused.keysPulled).toBe(0);

  let moved = 0;
  for (let round = 0; round < 10; round++) {
    const result = await p.exchange({ repairKeysMax: 5 });
    await commit(p);
    expect(result.keysPushed).toBeLessThanOrEqual(5 * PARTITIONS);
    moved += result.keysPushed;
    if (result.outcome === 'equal') break;
  }
  expect(moved).toBe(keys.length);
  expect(roots(p.a)).toEqual(roots(p.b));
});

test('bytes exchanged grow with the difference, not with the data size', async () => {
  const measure = async (size: number, differing: number): Promise<number> => {
    const p = pair();
    const keys = base(p, size, p.clock.nowMs());
    for (const key of keys.slice(0, differing)) put(p.a, key, `changed-${key}`, 'a', p.clock.nowMs() + 1);
    await commit(p);
    p.network.measure(AE_KINDS);
    await p.exchange();
    return p.network.traffic().bytes;
  };
  const inSync = await measure(2000, 0);
  const small = await measure(2000, 10);
  const large = await measure(2000, 100);
  const smallOfDouble = await measure(4000, 10);
  // In sync: one root request and reply per partition.
  expect(inSync).toBeLessThan(PARTITIONS * 120);
  expect(small).toBeGreaterThan(inSync);
  expect(large).toBeGreaterThan(3 * small);
  // Twice the data, same difference: about the same bytes (key lists of a differing segment grow a little).
  expect(smallOfDouble).toBeLessThan(1.5 * small);
});
