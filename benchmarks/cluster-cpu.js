#!/usr/bin/env node
'use strict';
/**
 * Where a replicated request's CPU goes: a 3-node cluster (N=3 R=2 W=2), redis-benchmark -c 50
 * through node 1, and each node's CPU time (user + system, all threads, from /proc) divided by
 * the requests. Node 1 coordinates; the other two are replicas. For A/B comparisons of changes
 * to the replication path, run it interleaved on both builds: run-to-run noise on this machine
 * is 5-10%.
 *
 *   npm run build && node benchmarks/cluster-cpu.js [--test set|get] [--keyspace 0|100000] [--requests 200000] [--rounds 2]
 */
const fs = require('node:fs');
const { startDynkvCluster, redisBenchmark, cliOption } = require('./lib');

const option = cliOption;
const TEST = option('test', 'set');
const KEYSPACE = Number(option('keyspace', 0));
const REQUESTS = Number(option('requests', 200000));
const ROUNDS = Number(option('rounds', 2));
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU ticks a process has used so far (user + system). */
function cpuTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function main() {
  const nodes = await startDynkvCluster(3, ['--n', '3', '--r', '2', '--w', '2']);
  try {
    await redisBenchmark(nodes[0].port, { test: TEST, requests: 20000, keyspace: KEYSPACE });
    for (let round = 0; round < ROUNDS; round++) {
      const before = nodes.map((node) => cpuTicks(node.pid));
      const result = await redisBenchmark(nodes[0].port, { test: TEST, requests: REQUESTS, keyspace: KEYSPACE });
      const microsPerRequest = nodes.map((node, i) => ((cpuTicks(node.pid) - before[i]) * (1e6 / TICKS_PER_SECOND)) / REQUESTS);
      const keys = KEYSPACE > 0 ? `${KEYSPACE} keys` : '1 key';
      console.log(
        `${TEST.toUpperCase()} ${keys}: ${result.rps.toFixed(0)} rps, p99.9 ${result.p999Ms} ms; CPU per request: coordinator ${microsPerRequest[0].toFixed(1)} us, replicas ${microsPerRequest[1].toFixed(1)} / ${microsPerRequest[2].toFixed(1)} us`,
      );
    }
  } finally {
    for (const node of nodes) await node.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
