#!/usr/bin/env node
'use strict';
/**
 * The node's write and read paths in-process, without sockets or RESP: a real LMDB store and node
 * core (N=1), SETs through the coordinator with 50 in flight (like 50 unpipelined clients, each
 * group of 50 awaiting its commit), then GETs, over 100,000 random keys. Prints microseconds per
 * request, and with --heap the bytes of garbage per SET (run it as
 * `node --max-semi-space-size=512 --min-semi-space-size=512 benchmarks/write-path.js --heap`, so
 * no scavenge runs inside the measured window).
 *
 *   npm run build && node benchmarks/write-path.js [--requests 300000]
 */
const { cliOption } = require('./lib');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const bunyan = require('bunyan');
const DIST = path.join(__dirname, '..', 'dist');
const { LmdbStore } = require(path.join(DIST, 'storage/lmdb-store'));
const { composeNodeCore } = require(path.join(DIST, 'node/node-core'));
const { TcpTransport } = require(path.join(DIST, 'peer/tcp-transport'));
const { SystemClock } = require(path.join(DIST, 'lib/clock'));
const { SystemRandom } = require(path.join(DIST, 'lib/random'));
const { readKeyValue } = require(path.join(DIST, 'datatypes/value'));

const option = cliOption;
const REQUESTS = Number(option('requests', 300000));
const IN_FLIGHT = 50;
const KEYS = 100000;

const logger = bunyan.createLogger({ name: 'write-path', level: 'error' });
const clock = new SystemClock();
const random = new SystemRandom();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-write-path-'));
const store = LmdbStore.open({ path: dir, mapBytes: 2 ** 30, durability: 'commit', clock, logger });
// Never listens: the core needs a transport, a ring of one never uses it.
const transport = new TcpTransport({ nodeId: 'n1', clusterName: 'dynkv', host: '127.0.0.1', peerPort: 0, advertisedPeerPort: 0, clientPort: 1, frameBytesMax: 2 ** 24, clock, random, logger });
const core = composeNodeCore({
  self: { nodeId: 'n1', host: '127.0.0.1', peerPort: 1, clientPort: 2 },
  seeds: [],
  store,
  transport,
  clock,
  random,
  logger,
  quorum: { n: 1, r: 1, w: 1 },
  partitions: 64,
  requestTimeoutMs: 5000,
  gossipIntervalMs: 1000,
  tombstoneGraceMs: 0,
  valueBytesMax: 2 ** 20,
  clientCommandsTotal: () => 0,
});
const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key:${String(i).padStart(12, '0')}`));
let seed = 1;
const nextKey = () => keys[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % KEYS];

async function sets(count) {
  for (let done = 0; done < count; done += IN_FLIGHT) {
    const batch = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      batch.push(core.coordinator.mutate(Buffer.from(nextKey()), { kind: 'set', value: Buffer.from('xxx'), expiresAtMs: 0, condition: undefined, returnPrevious: false }));
    }
    await Promise.all(batch);
  }
}

function gets(count) {
  let hits = 0;
  const nowMs = clock.nowMs();
  for (let i = 0; i < count; i++) if (readKeyValue(core.coordinator.read(nextKey()), nowMs).kind !== 'none') hits++;
  return hits;
}

async function main() {
  await sets(100000);
  if (process.argv.includes('--heap')) {
    for (let round = 0; round < 3; round++) {
      const before = process.memoryUsage().heapUsed;
      await sets(10000);
      console.log(`heap garbage per SET: ${((process.memoryUsage().heapUsed - before) / 10000).toFixed(0)} bytes`);
    }
    return;
  }
  for (let round = 0; round < 3; round++) {
    let started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await sets(REQUESTS);
    const setUs = Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
    const used = process.cpuUsage(cpu);
    started = process.hrtime.bigint();
    const hits = gets(REQUESTS);
    const getUs = Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
    console.log(`SET ${setUs.toFixed(2)} us (CPU of all threads ${((used.user + used.system) / REQUESTS).toFixed(2)} us), GET ${getUs.toFixed(2)} us (${hits} hits)`);
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
