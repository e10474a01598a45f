'use strict';
// Shared pieces of the benchmark scripts: free ports, starting and stopping real servers, and
// running redis-benchmark with its throughput and latency percentiles parsed.
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BIN = path.join(__dirname, '..', 'bin', 'dynkv.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** A real redis-server without persistence: the reference every ratio is taken against. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'redis', port, stop: () => stopChild(child) };
}

/** A dynkv node with its own temporary data dir (removed on stop). */
async function startDynkv(args = []) {
  const port = await freePort();
  const peerPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-bench-'));
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--peer-port', String(peerPort), '--data', dataDir, '--log-level', 'warn', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port);
  return {
    name: 'dynkv',
    port,
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `size` dynkv nodes on free ports, the later ones joining through the first; resolves once every node sees all of them. */
async function startDynkvCluster(size, args = []) {
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const port = await freePort();
    const peerPort = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-bench-'));
    const seeds = i === 0 ? [] : ['--seeds', `127.0.0.1:${nodes[0].peerPort}`];
    const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--peer-port', String(peerPort), '--data', dataDir, '--log-level', 'warn', ...seeds, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitForPort(port);
    nodes.push({ name: `dynkv${i + 1}`, port, peerPort, pid: child.pid, stop: async () => { await stopChild(child); fs.rmSync(dataDir, { recursive: true, force: true }); } });
  }
  const deadline = Date.now() + 30000;
  for (const node of nodes) {
    while ((await ringSize(node.port)) < size) {
      if (Date.now() > deadline) throw new Error('the cluster did not form');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return nodes;
}

function ringSize(port) {
  return new Promise((resolve) => {
    execFile('redis-cli', ['-p', String(port), 'RING', 'MEMBERS'], (err, stdout) => resolve(err ? 0 : stdout.split('\n').filter((l) => l === 'up').length));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10000).unref();
  });
}

/**
 * Run redis-benchmark for one test; returns requests/s and latency percentiles in ms
 * (p50, p99, p99.9 read from its "Latency by percentile distribution" table).
 */
function redisBenchmark(port, { test, clients = 50, requests = 100000, pipeline = 1, dataBytes = 3, keyspace = 100000 }) {
  // keyspace 0: no -r, redis-benchmark's default of one key ("key:__rand_int__" left as is).
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(requests), '-t', test, '-P', String(pipeline), '-d', String(dataBytes), ...(keyspace > 0 ? ['-r', String(keyspace)] : [])];
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { maxBuffer: 16 * 1024 * 1024, timeout: 600000 }, (err, stdout) => {
      if (err) return reject(err);
      const text = stdout.replace(/\r/g, '\n');
      const rps = Number((text.match(/throughput summary: ([\d.]+) requests per second/) || [])[1]);
      const percentiles = [...text.matchAll(/^\s*([\d.]+)% <= ([\d.]+) milliseconds/gm)].map((m) => [Number(m[1]), Number(m[2])]);
      const at = (p) => (percentiles.find(([q]) => q >= p) || [NaN, NaN])[1];
      resolve({ rps, p50Ms: at(50), p99Ms: at(99), p999Ms: at(99.9) });
    });
  });
}

/** The value after `--name` on the command line, or `fallback`. */
function cliOption(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
}

module.exports = { freePort, startRedis, startDynkv, startDynkvCluster, redisBenchmark, cliOption };
