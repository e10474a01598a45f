/**
 * INFO [section ...]: Redis's "# Section" / "field:value" text with \r\n lines, sections in Redis's
 * fixed order whatever order they were asked in. Fields keep Redis's names where the meaning is the
 * same (clients parse them: ioredis's ready check reads `loading`); dynkv-only facts use a
 * `dynkv_` prefix. Replied as a verbatim "txt" string (a bulk string under RESP2).
 */
import os from 'node:os';
import { NO_KEYS, type CommandSpec } from './command';
import { lowerName } from './args';
import type { NodeServices } from './context';
import { REDIS_COMPAT_VERSION } from './hello';
import type { Reply } from '../resp/reply';

type Field = readonly [string, string | number];
type Section = (node: NodeServices) => Field[];

const MS_PER_SECOND = 1000;
const SECONDS_PER_DAY = 86_400;

const server: Section = (node) => {
  const nowMs = node.clock.nowMs();
  const uptimeSeconds = Math.max(0, Math.floor((nowMs - node.startedAtMs) / MS_PER_SECOND));
  return [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['redis_mode', 'standalone'],
    ['dynkv_version', node.version],
    ['node_id', node.nodeId],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['process_id', process.pid],
    ['tcp_port', node.config.port],
    ['dynkv_peer_port', node.config.peerPort],
    ['server_time_usec', Math.floor(nowMs * 1000)],
    ['uptime_in_seconds', uptimeSeconds],
    ['uptime_in_days', Math.floor(uptimeSeconds / SECONDS_PER_DAY)],
  ];
};

const clients: Section = (node) => {
  // A loop, not Math.max(...spread): with many thousands of clients a spread can overflow the stack.
  let maxOutputBytes = 0;
  for (const client of node.clients.list()) maxOutputBytes = Math.max(maxOutputBytes, client.outputBytes());
  return [
    ['connected_clients', node.clients.connectedCount],
    ['maxclients', node.config.maxClients],
    ['client_recent_max_output_buffer', maxOutputBytes],
    ['blocked_clients', 0],
    ['tracking_clients', 0],
  ];
};

const memory: Section = (node) => {
  const usage = process.memoryUsage();
  const storage = node.keyspace.storage();
  return [
    ['used_memory', usage.heapUsed],
    ['used_memory_rss', usage.rss],
    ['maxmemory', 0],
    ['maxmemory_policy', 'noeviction'],
    ['dynkv_storage_used_bytes', storage.usedBytes],
    ['dynkv_storage_map_bytes', storage.mapBytes],
  ];
};

// Data is in LMDB and readable as soon as the node listens, so the node is never "loading".
const persistence: Section = (node) => [
  ['loading', 0],
  ['async_loading', 0],
  ['dynkv_durability', node.config.durability],
];

const stats: Section = (node) => [
  ['total_connections_received', node.stats.connectionsReceived],
  ['total_commands_processed', node.stats.commandsProcessed],
  ['total_net_input_bytes', node.stats.netInputBytes],
  ['total_net_output_bytes', node.stats.netOutputBytes],
  ['rejected_connections', node.clients.rejectedCount],
  ['expired_keys', node.keyspace.expiredKeys],
  ['evicted_keys', 0],
  ['keyspace_hits', node.stats.keyspaceHits],
  ['keyspace_misses', node.stats.keyspaceMisses],
  ['dynkv_protocol_errors', node.stats.protocolErrors],
];

// Every dynkv node accepts writes (there are no masters and replicas, only peers holding N copies).
const replication: Section = (node) => [
  ['role', 'master'],
  ['connected_slaves', 0],
  ['dynkv_n', node.config.n],
  ['dynkv_r', node.config.r],
  ['dynkv_w', node.config.w],
];

// Not Redis Cluster: a client talks to any node and that node coordinates, so no MOVED redirects.
const cluster: Section = (node) => {
  const ae = node.cluster.antiEntropy();
  const transfer = node.cluster.transferStats();
  const lifecycle = node.cluster.lifecycleStats();
  return [
    ['cluster_enabled', 0],
    ['dynkv_partitions', node.config.partitions],
    ['dynkv_member_status', node.cluster.memberStatus()],
    // Merkle anti-entropy (src/antientropy): exchanges this node started, keys it repaired.
    ['ae_exchanges', ae.exchanges],
    ['ae_exchanges_failed', ae.exchangesFailed],
    ['ae_keys_pulled', ae.keysPulled],
    ['ae_keys_pushed', ae.keysPushed],
    ['ae_cycles', ae.cycles],
    ['ae_last_cycle_ms', ae.lastCycleMs],
    ['ae_partitions_behind', ae.partitionsBehind],
    // Partition transfer (src/handoff/partition-transfer.ts) after RING JOIN / RING LEAVE.
    ['transfer_partitions_pending', transfer.partitions],
    ['transfer_partitions_completed', transfer.partitionsCompleted],
    ['transfer_records_sent', transfer.recordsSent],
    ['transfer_records_dropped', transfer.recordsDropped],
    ['transfer_batches_failed', transfer.batchesFailed],
    ['transfer_records_received', transfer.recordsReceived],
    // Hinted handoff, tombstone reaping (src/antientropy/tombstone-reaper.ts) and FLUSHALL.
    ['hints_delivered', lifecycle.hintsDelivered],
    ['hints_refused', lifecycle.hintsRefused],
    ['tombstones_reaped', lifecycle.tombstonesReaped],
    ['tombstone_reaps_deferred', lifecycle.reapsDeferred],
    ['dynkv_flush_generation', lifecycle.flushGeneration],
  ];
};

const keyspace: Section = (node) => {
  const keys = node.keyspace.liveKeys;
  return keys > 0 ? [['db0', `keys=${keys},expires=0,avg_ttl=0`]] : [];
};

// rejected_calls is 0: calls the registry refuses (arity, unknown name) never reach the per-command counters.
const commandstats: Section = (node) =>
  node.stats.commandStats().map((stat) => {
    const perCallUsec = stat.calls > 0 ? stat.usecTotal / stat.calls : 0;
    const usec = Math.round(stat.usecTotal);
    return [`cmdstat_${stat.name}`, `calls=${stat.calls},usec=${usec},usec_per_call=${perCallUsec.toFixed(2)},rejected_calls=0,failed_calls=${stat.failed}`];
  });

const latencystats: Section = (node) =>
  node.stats.commandStats().map((stat) => [
    `latency_percentiles_usec_${stat.name}`,
    `p50=${stat.p50Usec.toFixed(3)},p99=${stat.p99Usec.toFixed(3)},p99.9=${stat.p999Usec.toFixed(3)}`,
  ]);

/** Redis's order; the title is the "# Title" header. */
const SECTIONS: ReadonlyArray<readonly [name: string, title: string, section: Section]> = [
  ['server', 'Server', server],
  ['clients', 'Clients', clients],
  ['memory', 'Memory', memory],
  ['persistence', 'Persistence', persistence],
  ['stats', 'Stats', stats],
  ['replication', 'Replication', replication],
  ['commandstats', 'Commandstats', commandstats],
  ['latencystats', 'Latencystats', latencystats],
  ['cluster', 'Cluster', cluster],
  ['keyspace', 'Keyspace', keyspace],
];

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cluster', 'keyspace'];
const ALL_SECTIONS = SECTIONS.map(([name]) => name);

/** The section names a request selects; unknown names select nothing, as in Redis. */
function selectedSections(requested: readonly string[]): Set<string> {
  if (requested.length === 0) return new Set(DEFAULT_SECTIONS);
  const selected = new Set<string>();
  for (const name of requested) {
    if (name === 'default') DEFAULT_SECTIONS.forEach((s) => selected.add(s));
    else if (name === 'all' || name === 'everything') ALL_SECTIONS.forEach((s) => selected.add(s));
    else if (name === 'latency') selected.add('latencystats');
    else selected.add(name);
  }
  return selected;
}

/** The INFO text for the given (lower-case) section names. */
export function infoText(node: NodeServices, requested: readonly string[]): string {
  const selected = selectedSections(requested);
  const blocks = SECTIONS.filter(([name]) => selected.has(name)).map(([, title, section]) => {
    const lines = section(node).map(([field, value]) => `${field}:${value}\r\n`);
    return `# ${title}\r\n${lines.join('')}`;
  });
  return blocks.join('\r\n');
}

export const INFO: CommandSpec = {
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Returns information and statistics about the node.',
  run: ({ node }, args): Reply => ({ kind: 'verbatim', format: 'txt', value: infoText(node, args.slice(1).map(lowerName)) }),
};
