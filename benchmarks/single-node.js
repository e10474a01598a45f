#!/usr/bin/env node
'use strict';
/**
 * One dynkv node (N=R=W=1, durable group commits) against one redis-server (no persistence), in
 * the same run on the same machine: first unpipelined SET and GET as redis-benchmark runs them by
 * default, on its one key (the command line, which names no -r), on the fresh node; then
 * redis-benchmark -c 50, SET and GET, unpipelined and -P 16, over 100,000 random keys
 * (-r 100000); then the one-key pair again, on the node those millions of writes have aged.
 * Prints a table with dynkv/redis throughput ratios and tail latencies.
 *
 *   npm run build && node benchmarks/single-node.js [--requests 200000] [--json out.json]
 *
 * Targets (issue: single node): SET >= 0.5x and GET >= 0.7x of redis-server unpipelined.
 */
const fs = require('node:fs');
const { startRedis, startDynkv, redisBenchmark, cliOption } = require('./lib');

const option = cliOption;
const REQUESTS = Number(option('requests', 200000));
const DURABILITY = option('durability', 'commit');
const TARGETS = { 'SET P1': 0.5, 'GET P1': 0.7, 'SET P1 1key': 0.5, 'GET P1 1key': 0.7, 'SET P1 1key aged': 0.5, 'GET P1 1key aged': 0.7 };
const KEYSPACE = 100000;

async function main() {
  const servers = [await startRedis(), await startDynkv(['--n', '1', '--r', '1', '--w', '1', '--durability', DURABILITY])];
  const rows = [];
  try {
    const runs = [
      { pipeline: 1, keyspace: 0, suffix: ' 1key' },
      { pipeline: 1, keyspace: KEYSPACE, suffix: '' },
      { pipeline: 16, keyspace: KEYSPACE, suffix: '' },
      { pipeline: 1, keyspace: 0, suffix: ' 1key aged' },
    ];
    for (const { pipeline, keyspace, suffix } of runs) {
      for (const test of ['set', 'get']) {
        const results = {};
        for (const server of servers) {
          // A short warm-up so that neither side is measured while still cold (JIT, page cache).
          await redisBenchmark(server.port, { test, requests: 10000, pipeline, keyspace });
          results[server.name] = await redisBenchmark(server.port, { test, requests: REQUESTS * pipeline, pipeline, keyspace });
        }
        const name = `${test.toUpperCase()} P${pipeline}${suffix}`;
        rows.push({ name, redis: results.redis, dynkv: results.dynkv, ratio: results.dynkv.rps / results.redis.rps, target: TARGETS[name] });
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  console.log(`requests per test: ${REQUESTS} (x pipeline), clients: 50, dynkv durability: ${DURABILITY}; keys: ${KEYSPACE} random, "1key": redis-benchmark's default single key`);
  console.log('test             redis rps  dynkv rps  ratio  target  dynkv p50/p99/p99.9 ms   redis p50/p99/p99.9 ms');
  for (const row of rows) {
    const lat = (r) => `${fmt(r.p50Ms, 3)}/${fmt(r.p99Ms, 3)}/${fmt(r.p999Ms, 3)}`;
    const verdict = row.target === undefined ? '' : row.ratio >= row.target ? `>=${row.target} ok` : `<${row.target} MISS`;
    console.log(`${row.name.padEnd(16)} ${fmt(row.redis.rps).padStart(9)} ${fmt(row.dynkv.rps).padStart(10)}  ${fmt(row.ratio, 2).padStart(5)}  ${verdict.padEnd(9)} ${lat(row.dynkv).padEnd(22)} ${lat(row.redis)}`);
  }
  const json = option('json');
  if (json) fs.writeFileSync(json, JSON.stringify(rows, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
