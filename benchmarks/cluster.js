#!/usr/bin/env node
'use strict';
/**
 * A 3-node dynkv cluster (N=3 R=2 W=2) against one redis-server, in the same run: redis-benchmark
 * -c 50 SET and GET through one node, and through all three nodes at once (three redis-benchmark
 * processes, throughput summed, the worst tail reported), with p50/p99/p99.9. Each test runs on
 * redis-benchmark's default single key (the command line names no -r) and over 100,000
 * random keys (-r 100000), where every write touches another record and B-tree page.
 *
 *   npm run build && node benchmarks/cluster.js [--requests 100000]
 *
 * Targets (issue: cluster): >= 0.25x of redis-server for SET and GET through one node, p99.9 < 20 ms.
 */
const { startRedis, startDynkvCluster, redisBenchmark, cliOption } = require('./lib');

const option = cliOption;
const REQUESTS = Number(option('requests', 100000));

async function main() {
  const redis = await startRedis();
  const nodes = await startDynkvCluster(3, ['--n', '3', '--r', '2', '--w', '2']);
  const rows = [];
  try {
    for (const [keyspace, suffix] of [[0, ', 1 key'], [100000, ', 100k keys']]) {
      for (const test of ['set', 'get']) {
        await redisBenchmark(redis.port, { test, requests: 10000, keyspace });
        const reference = await redisBenchmark(redis.port, { test, requests: REQUESTS, keyspace });
        await redisBenchmark(nodes[0].port, { test, requests: 10000, keyspace });
        const one = await redisBenchmark(nodes[0].port, { test, requests: REQUESTS, keyspace });
        const all = await Promise.all(nodes.map((node) => redisBenchmark(node.port, { test, requests: Math.round(REQUESTS / 3), keyspace })));
        const sum = all.reduce((acc, r) => acc + r.rps, 0);
        const worst = (key) => Math.max(...all.map((r) => r[key]));
        rows.push({ name: `${test.toUpperCase()} one node${suffix}`, redis: reference, dynkv: one, target: 0.25 });
        rows.push({ name: `${test.toUpperCase()} 3 nodes${suffix}`, redis: reference, dynkv: { rps: sum, p50Ms: worst('p50Ms'), p99Ms: worst('p99Ms'), p999Ms: worst('p999Ms') } });
      }
    }
  } finally {
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
  const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  console.log(`3 nodes, N=3 R=2 W=2, requests per test: ${REQUESTS}, clients: 50 per redis-benchmark`);
  console.log('test                        redis rps  dynkv rps  ratio  target     dynkv p50/p99/p99.9 ms');
  for (const row of rows) {
    const ratio = row.dynkv.rps / row.redis.rps;
    const tailOk = row.dynkv.p999Ms < 20;
    const verdict = row.target === undefined ? '' : `${ratio >= row.target ? 'ok' : 'MISS'}${tailOk ? '' : ' p99.9'}`;
    console.log(`${row.name.padEnd(27)} ${fmt(row.redis.rps).padStart(9)} ${fmt(row.dynkv.rps).padStart(10)}  ${fmt(ratio, 2).padStart(5)}  ${verdict.padEnd(10)} ${fmt(row.dynkv.p50Ms, 3)}/${fmt(row.dynkv.p99Ms, 3)}/${fmt(row.dynkv.p999Ms, 3)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
