#!/usr/bin/env node
'use strict';
/**
 * Merkle anti-entropy: repair time and bytes exchanged as a function of divergence, over a fixed
 * data size (issue 5: bytes must grow with the difference, not with the data size).
 *
 * Two real node cores (composeNodeCore: LocalReplica with its Merkle trees, the peer handler,
 * the exchange) over MemoryStores and the simulator's network, in one process. Both replicas get
 * the same `--keys` keys; then `d` keys change on one side only (half newer there, half on the
 * other side, so repair goes both ways). One exchange per partition (64) runs, repeated until all
 * report equal. Bytes are the encoded envelopes plus their 4-byte frames, requests and replies,
 * exactly as the TCP transport would send them. Time is wall-clock CPU of the whole exchange
 * (trees, listing, merges, encoding), the network adding nothing (no simulated delay counts).
 *
 *   npm run build && node benchmarks/anti-entropy.js [--keys 20000] [--value-bytes 100]
 */
const { cliOption } = require('./lib');
const { AntiEntropyExchange } = require('../dist/antientropy/exchange');
const { ManualClock } = require('../dist/lib/clock');
const { createSilentLogger } = require('../dist/lib/log');
const { SeededRandom } = require('../dist/lib/random');
const { composeNodeCore } = require('../dist/node/node-core');
const { BackgroundBudget } = require('../dist/overload/background-budget');
const { SimClock, runFor } = require('../dist/sim/sim-clock');
const { SimNetwork } = require('../dist/sim/sim-network');
const { MemoryStore } = require('../dist/storage/memory-store');
const { join, update } = require('../dist/versioning/dvvset');

const option = (name, fallback) => Number(cliOption(name, fallback));
const KEYS = option('keys', 20000);
const VALUE_BYTES = option('value-bytes', 100);
const PARTITIONS = 64;
const DIVERGENCE = [0, 1, 10, 100, 1000];
const KINDS = new Set(['aeTreeRequest', 'aeTreeReply', 'aeKeysRequest', 'aeKeysReply', 'aeFetchRequest', 'aeFetchReply', 'replicaWrite', 'replicaWriteReply']);

function setup() {
  const clock = new SimClock(new ManualClock());
  const network = new SimNetwork(clock, new SeededRandom(1));
  network.faults = { dropProbability: 0, duplicateProbability: 0, delayMinMs: 0, delayMaxMs: 0 };
  const logger = createSilentLogger();
  const core = (nodeId) => {
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
      requestTimeoutMs: 10_000,
      gossipIntervalMs: 1000,
      tombstoneGraceMs: 86_400_000,
      valueBytesMax: 1 << 20,
      clientCommandsTotal: () => 0,
    });
  };
  const a = core('a');
  const b = core('b');
  const view = { selfId: 'a', owners: () => [], addressOf: (id) => ({ host: id, port: 7000 }), isUsable: () => true };
  const exchange = new AntiEntropyExchange({
    replica: a.replica,
    transport: network.open('a'),
    view,
    clock,
    logger,
    budget: new BackgroundBudget(() => 0, { recordsPerSecondIdle: 1e9, recordsPerSecondBusy: 1e9, busyCommandsPerSecond: 1e9 }),
    requestTimeoutMs: 10_000,
    repairKeysMax: 1e9,
  });
  return { clock, network, a, b, exchange };
}

async function drive(clock, promise) {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => undefined);
  while (!done) await runFor(clock, 1);
  return watched;
}

function put(core, key, value, actor, nowMs) {
  const partition = core.replica.partitionOf(key);
  const current = core.replica.read(partition, key);
  core.replica.write(partition, key, current, update(current, join(current), actor, { data: value, tombstone: false, timestampMs: nowMs, expiresAtMs: 0 }, nowMs));
}

async function measure(divergence) {
  const { clock, network, a, b, exchange } = setup();
  const nowMs = clock.nowMs();
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key:${i}`));
  for (const key of keys) {
    put(a, key, value, 'w', nowMs);
    const partition = a.replica.partitionOf(key);
    b.replica.write(partition, key, b.replica.read(partition, key), a.replica.read(partition, key));
  }
  // d keys change on one side: even ones on a (pushed), odd ones on b (pulled).
  keys.slice(0, divergence).forEach((key, i) => put(i % 2 === 0 ? a : b, key, Buffer.alloc(VALUE_BYTES, 'w'), i % 2 === 0 ? 'a' : 'b', nowMs + 1));
  await drive(clock, Promise.all([a.replica.commit(), b.replica.commit()]));
  network.measure(KINDS);
  const started = process.hrtime.bigint();
  let passes = 0;
  let repaired = 0;
  for (;;) {
    passes++;
    let equal = 0;
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const result = await drive(clock, exchange.run(partition, 'b'));
      repaired += result.keysPulled + result.keysPushed;
      if (result.outcome === 'equal') equal++;
    }
    if (equal === PARTITIONS) break;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { messages, bytes } = network.traffic();
  return { divergence, passes, repaired, messages, bytes, ms };
}

async function main() {
  console.log(`anti-entropy: ${KEYS} keys of ${VALUE_BYTES}-byte values on two replicas, ${PARTITIONS} partitions`);
  console.log('| differing keys | keys repaired | passes | messages | bytes | bytes per differing key | time ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const divergence of DIVERGENCE) {
    const r = await measure(divergence);
    const perKey = divergence === 0 ? '—' : Math.round(r.bytes / divergence);
    console.log(`| ${divergence} | ${r.repaired} | ${r.passes} | ${r.messages} | ${r.bytes} | ${perKey} | ${r.ms.toFixed(0)} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
