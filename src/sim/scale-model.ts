/**
 * The scale model: an idle cluster of many nodes gossiping, to see what membership costs per node
 * as the cluster grows. Only the simulated network is measured (messages and their encoded sizes),
 * so the figures are independent of the machine; the wall time says what simulating it cost.
 */
import { runFor } from './sim-clock';
import { DEFAULT_SIM_CLUSTER } from './sim-node';
import { SimCluster } from './run-schedule';

export interface ScaleOptions {
  readonly nodes: number;
  readonly durationMs: number;
  readonly seed: number;
}

export interface ScaleReport {
  readonly messagesPerNodePerS: number;
  readonly bytesPerNodePerS: number;
  readonly wallMs: number;
  readonly summary: string;
}

/** Start `nodes` nodes, let them converge, then measure gossip over `durationMs` of simulated time. */
export async function runScaleModel(options: ScaleOptions): Promise<ScaleReport> {
  const started = process.hrtime.bigint();
  const cluster = new SimCluster(options.seed, options.nodes, DEFAULT_SIM_CLUSTER);
  for (const node of cluster.nodes) node.start();
  // Warm up first: joining (every node learning every other) is a one-off, not the steady cost.
  await runFor(cluster.clock, WARMUP_MS);
  cluster.network.measure(GOSSIP_KINDS);
  await runFor(cluster.clock, options.durationMs);
  const traffic = cluster.network.traffic();
  for (const node of cluster.nodes) node.pause();
  const seconds = options.durationMs / 1000;
  const messagesPerNodePerS = traffic.messages / options.nodes / seconds;
  const bytesPerNodePerS = traffic.bytes / options.nodes / seconds;
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const usable = cluster.nodes[0].parts.membership;
  const knows = cluster.nodes.filter((n) => usable.isUsable(n.nodeId)).length;
  const summary =
    `scale: ${options.nodes} nodes, ${seconds} s gossip after ${WARMUP_MS / 1000} s warm-up: ` +
    `${messagesPerNodePerS.toFixed(2)} gossip messages and ${Math.round(bytesPerNodePerS)} bytes per node per second ` +
    `(${traffic.messages} messages, ${traffic.bytes} bytes in all, pushes and replies); ` +
    `n1 sees ${knows}/${options.nodes} usable; wall time ${(wallMs / 1000).toFixed(1)} s`;
  return { messagesPerNodePerS, bytesPerNodePerS, wallMs, summary };
}

const WARMUP_MS = 30_000;
const GOSSIP_KINDS: ReadonlySet<string> = new Set(['gossipPush', 'gossipReply']);
