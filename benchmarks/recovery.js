#!/usr/bin/env node
'use strict';
/**
 * Recovery under load (issue: surviving failures), on real processes:
 *  1. hint replay: 4 nodes (N=3 R=2 W=2); one is killed (kill -9) while redis-benchmark writes
 *     through another, so fallbacks hold hints for it; it restarts, and the time until no hint is
 *     pending anywhere gives the replay rate (keys/s). Meanwhile redis-benchmark measures the
 *     client tail while replay and anti-entropy run, against the same benchmark before the outage.
 *  2. transfer: a 5th node joins by --seeds under write load; the time until no partition is
 *     pending transfer on any node, and the client tail meanwhile.
 * Anti-entropy repair time and bytes against divergence: benchmarks/anti-entropy.js.
 *
 *   npm run build && node benchmarks/recovery.js [--requests 100000]
 */
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, redisBenchmark, cliOption } = require('./lib');

const BIN = path.join(__dirname, '..', 'bin', 'dynkv.js');
const option = cliOption;
const REQUESTS = Number(option('requests', 100000));
const QUORUM = ['--n', '3', '--r', '2', '--w', '2'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cli(port, ...command) {
  return new Promise((resolve) => execFile('redis-cli', ['-p', String(port), ...command], (err, stdout) => resolve(err ? '' : stdout)));
}

/** A dynkv process that can be killed and started again on the same ports and data dir. */
async function node(seed) {
  const port = await freePort();
  const peerPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-bench-'));
  const self = { port, peerPort, child: undefined };
  self.start = async () => {
    const seeds = seed ? ['--seeds', `127.0.0.1:${seed.peerPort}`] : [];
    self.child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--peer-port', String(peerPort), '--data', dataDir, '--log-level', 'warn', ...QUORUM, ...seeds], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; i < 300 && (await cli(port, 'PING')).trim() !== 'PONG'; i++) await sleep(50);
  };
  self.kill = (signal) =>
    new Promise((resolve) => {
      if (self.child.exitCode !== null || self.child.signalCode !== null) return resolve();
      self.child.once('exit', () => resolve());
      self.child.kill(signal);
    });
  self.stop = async () => {
    await self.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  await self.start();
  return self;
}

async function upCount(port) {
  return (await cli(port, 'RING', 'MEMBERS')).split('\n').filter((line) => line === 'up').length;
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Hints pending on a node, summed over targets (RING STATUS hints_pending). */
async function hintsPending(port) {
  const lines = (await cli(port, 'RING', 'STATUS')).split('\n');
  const start = lines.indexOf('hints_pending');
  const end = lines.indexOf('transfers');
  let total = 0;
  for (let i = start + 1; i < end; i += 2) total += Number(lines[i + 1]) || 0;
  return total;
}

async function infoField(port, field) {
  const match = (await cli(port, 'INFO', 'cluster')).match(new RegExp(`^${field}:(\\d+)`, 'm'));
  return match ? Number(match[1]) : NaN;
}

async function main() {
  const nodes = [];
  const fmt = (r) => `${Math.round(r.rps)} rps, p50/p99/p99.9 ${r.p50Ms}/${r.p99Ms}/${r.p999Ms} ms`;
  try {
    nodes.push(await node());
    for (let i = 1; i < 4; i++) nodes.push(await node(nodes[0]));
    await waitFor(async () => (await Promise.all(nodes.map((n) => upCount(n.port)))).every((c) => c === 4), 30000, 'the ring');
    const [entry, , , victim] = nodes;

    const baseline = await redisBenchmark(entry.port, { test: 'set', requests: REQUESTS });
    console.log(`baseline (4 nodes, all up), SET through one node: ${fmt(baseline)}`);

    await victim.kill('SIGKILL');
    await sleep(8000); // failure detection: the victim is down everywhere
    const during = await redisBenchmark(entry.port, { test: 'set', requests: REQUESTS });
    const hinted = (await Promise.all(nodes.slice(0, 3).map((n) => hintsPending(n.port)))).reduce((a, b) => a + b, 0);
    console.log(`victim down, SET through one node: ${fmt(during)}; hints held for it: ${hinted}`);

    const restartedAt = Date.now();
    await victim.start();
    let drainedMs;
    const drained = waitFor(
      async () => (await Promise.all(nodes.slice(0, 3).map((n) => hintsPending(n.port)))).every((h) => h === 0),
      600000,
      'the hints to drain',
    ).then(() => (drainedMs = Date.now() - restartedAt));
    const whileReplaying = await redisBenchmark(entry.port, { test: 'set', requests: REQUESTS });
    await drained;
    console.log(`victim back: ${hinted} hints replayed in ${drainedMs} ms (${Math.round((hinted * 1000) / drainedMs)} keys/s, from process start)`);
    console.log(`client SET through one node while replay and anti-entropy ran: ${fmt(whileReplaying)}`);

    const joiner = await node(entry);
    nodes.push(joiner);
    const joinedAt = Date.now();
    let transferMs;
    const transfersDone = sleep(3000)
      .then(() => waitFor(async () => (await Promise.all(nodes.map((n) => infoField(n.port, 'transfer_partitions_pending')))).every((p) => p === 0), 600000, 'transfers'))
      .then(() => (transferMs = Date.now() - joinedAt));
    const whileTransferring = await redisBenchmark(entry.port, { test: 'set', requests: REQUESTS });
    await transfersDone;
    const moved = (await Promise.all(nodes.map((n) => infoField(n.port, 'transfer_records_sent')))).reduce((a, b) => a + b, 0);
    console.log(`5th node joined: ${moved} records transferred, all partitions settled ${transferMs} ms after it started`);
    console.log(`client SET through one node while the transfer ran: ${fmt(whileTransferring)}`);
  } finally {
    for (const n of nodes) await n.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
