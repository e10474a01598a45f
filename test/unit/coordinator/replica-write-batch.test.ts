/**
 * Replica writes batched per peer and turn (protocol version 3), over real node cores
 * (composeNodeCore: LocalReplica, MemoryStore, the real peer handler) on the simulator's network:
 * the writes of one turn to one peer travel as one ReplicaWriteBatch, each settles with its own
 * outcome, a failure to stage one does not fail the others, a store that refuses a write fails
 * the writes staged with it, and a peer at version 2 gets plain ReplicaWrites.
 */
import { ReplicaClient, ReplicaUnavailableError } from '../../../src/coordinator/replica-client';
import type { ClusterView } from '../../../src/coordinator/cluster-view';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { SeededRandom } from '../../../src/lib/random';
import { NodeCore, composeNodeCore } from '../../../src/node/node-core';
import type { RequestBody } from '../../../src/peer/bodies';
import type { Transport } from '../../../src/peer/transport';
import { SimClock, runFor } from '../../../src/sim/sim-clock';
import { SimNetwork } from '../../../src/sim/sim-network';
import { MemoryStore } from '../../../src/storage/memory-store';
import { DvvSet, EMPTY_DVVSET, join, siblings, update } from '../../../src/versioning/dvvset';

const PARTITIONS = 4;
const b = (text: string) => Buffer.from(text);

interface Setup {
  readonly clock: SimClock;
  readonly core: NodeCore;
  readonly store: MemoryStore;
  readonly sent: RequestBody[];
  readonly client: (transport?: Transport) => ReplicaClient;
  readonly transport: Transport;
}

/** Node `b` (a real core) and a bare transport `a` whose ReplicaClient writes to it. */
function setup(): Setup {
  const clock = new SimClock(new ManualClock());
  const network = new SimNetwork(clock, new SeededRandom(1));
  const store = new MemoryStore({ clock });
  network.addNode('b', { host: 'b', port: 7000 });
  network.addNode('a', { host: 'a', port: 7000 });
  const core = composeNodeCore({
    self: { nodeId: 'b', host: 'b', peerPort: 7000, clientPort: 8000 },
    seeds: [],
    store,
    transport: network.open('b'),
    clock,
    random: new SeededRandom(2),
    logger: createSilentLogger(),
    quorum: { n: 1, r: 1, w: 1 },
    partitions: PARTITIONS,
    requestTimeoutMs: 1000,
    gossipIntervalMs: 1000,
    tombstoneGraceMs: 60_000,
    valueBytesMax: 1 << 20,
    clientCommandsTotal: () => 0,
  });
  const sent: RequestBody[] = [];
  network.observe((from, _to, body) => {
    if (from === 'a') sent.push(body);
  });
  const transport = network.open('a');
  const view: ClusterView = { selfId: 'a', owners: () => [], addressOf: (id) => ({ host: id, port: 7000 }), isUsable: () => true };
  const client = (over: Transport = transport) => new ReplicaClient(over, view, 1000, undefined, clock);
  return { clock, core, store, sent, client, transport };
}

function version(value: string, actor = 'a'): DvvSet {
  return update(EMPTY_DVVSET, new Map(), actor, { data: b(value), tombstone: false, timestampMs: 1, expiresAtMs: 0 }, 1);
}

const target = { node: 'b', role: 'primary' as const };

/** Settle every write (resolved: 'ok', rejected: its message). */
async function outcomes(clock: SimClock, writes: Promise<void>[]): Promise<string[]> {
  const settled = Promise.all(writes.map((write) => write.then(() => 'ok', (err: Error) => err.message)));
  await runFor(clock, 50);
  return settled;
}

const valueOf = (core: NodeCore, key: string) => siblings(core.replica.read(core.replica.partitionOf(b(key)), b(key))).map((s) => s.version.data.toString());

test("one turn's writes to a peer go as one batch and each is stored", async () => {
  const s = setup();
  const client = s.client();
  // The first write dials the connection; batches start once it speaks version 3.
  await outcomes(s.clock, [client.write(target, s.core.replica.partitionOf(b('warm')), b('warm'), version('w'))]);
  s.sent.length = 0;
  const keys = ['k1', 'k2', 'k3'];
  const results = await outcomes(s.clock, keys.map((key) => client.write(target, s.core.replica.partitionOf(b(key)), b(key), version(`v-${key}`))));
  expect(results).toEqual(['ok', 'ok', 'ok']);
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWriteBatch']);
  for (const key of keys) expect(valueOf(s.core, key)).toEqual([`v-${key}`]);
  // A write alone goes as a plain ReplicaWrite.
  s.sent.length = 0;
  expect(await outcomes(s.clock, [client.write(target, s.core.replica.partitionOf(b('k4')), b('k4'), version('v'))])).toEqual(['ok']);
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWrite']);
});

test('writes of one key in a batch are merged and staged once, ending as if staged in turn', async () => {
  const s = setup();
  const client = s.client();
  const value = (data: string) => ({ data: b(data), tombstone: false, timestampMs: 1, expiresAtMs: 0 });
  const first = update(EMPTY_DVVSET, new Map(), 'a', value('v1'), 1);
  const concurrent = update(EMPTY_DVVSET, new Map(), 'b', value('v2'), 1);
  const successor = update(first, join(first), 'a', value('v3'), 2);
  const staged = jest.spyOn(s.core.replica, 'write');
  const hot = s.core.replica.partitionOf(b('hot'));
  const results = await outcomes(s.clock, [
    client.write(target, hot, b('hot'), first),
    client.write(target, hot, b('hot'), concurrent),
    client.write(target, s.core.replica.partitionOf(b('other')), b('other'), version('o')),
    client.write(target, hot, b('hot'), successor),
  ]);
  expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWriteBatch']);
  // v1 is superseded by v3; v2 is concurrent with both and stays a sibling.
  expect(valueOf(s.core, 'hot').sort()).toEqual(['v2', 'v3']);
  expect(valueOf(s.core, 'other')).toEqual(['o']);
  expect(staged.mock.calls.map(([, key]) => key.toString())).toEqual(['hot', 'other']);
});

test('a write that fails to stage fails alone; the others in its batch are stored', async () => {
  const s = setup();
  const client = s.client();
  const partition = s.core.replica.partitionOf(b('good'));
  const wrong = (partition + 1) % PARTITIONS;
  const results = await outcomes(s.clock, [
    client.write(target, partition, b('good'), version('g')),
    client.write(target, wrong, b('good'), version('x')),
    client.write(target, s.core.replica.partitionOf(b('also')), b('also'), version('a')),
  ]);
  expect(results[0]).toBe('ok');
  expect(results[1]).toMatch(/^b answered BAD_REQUEST/);
  expect(results[2]).toBe('ok');
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWriteBatch']);
  expect(valueOf(s.core, 'good')).toEqual(['g']);
  expect(valueOf(s.core, 'also')).toEqual(['a']);
});

test('a store that refuses a write fails every write staged in its group, as UNAVAILABLE', async () => {
  const s = setup();
  const client = s.client();
  s.store.setFull(true);
  const writes = ['f1', 'f2', 'f3'].map((key) => client.write(target, s.core.replica.partitionOf(b(key)), b(key), version(key)));
  const rejected = Promise.all(writes.map((write) => write.then(() => undefined, (err: unknown) => err)));
  await runFor(s.clock, 50);
  const errors = await rejected;
  for (const err of errors) {
    expect(err).toBeInstanceOf(ReplicaUnavailableError);
    expect((err as Error).message).toMatch(/UNAVAILABLE .*storage full/);
  }
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWriteBatch']);
  s.store.setFull(false);
  expect(valueOf(s.core, 'f1')).toEqual([]);
});

test('a peer whose connection is at version 2 gets one ReplicaWrite per write', async () => {
  const s = setup();
  // The transport of a node that only knows version 2 (no versionWith, or a lower version).
  const versionTwo: Transport = { request: (to, body, timeoutMs) => s.transport.request(to, body, timeoutMs), serve: () => undefined, close: () => Promise.resolve(), versionWith: () => 2 };
  const client = s.client(versionTwo);
  const keys = ['p1', 'p2'];
  expect(await outcomes(s.clock, keys.map((key) => client.write(target, s.core.replica.partitionOf(b(key)), b(key), version(key))))).toEqual(['ok', 'ok']);
  expect(s.sent.map((body) => body.kind)).toEqual(['replicaWrite', 'replicaWrite']);
  for (const key of keys) expect(valueOf(s.core, key)).toEqual([key]);
});
