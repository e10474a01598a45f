/**
 * Real multi-node clusters for the integration tests: `dynkv start` processes on loopback, node 0
 * started first and every other node seeded with node 0's peer port, plus ioredis clients and the
 * RING replies parsed into plain objects.
 *
 * Cleanup is tracked here, not left to each test: every node started and every client opened is
 * remembered until `stopCluster`/`closeAll` runs, so a test that fails half-way (or a cluster that
 * fails to form) still leaves no process, data dir or socket behind. node-process.ts also
 * SIGKILLs whatever is still running when the jest worker exits.
 */
import Redis from 'ioredis';
import { NodeProcess, eventually } from './node-process';

export interface StartClusterOptions {
  /** Flags for every node, e.g. ['--request-timeout', '300']. */
  readonly args?: readonly string[];
}

/** One row of RING MEMBERS. */
export interface RingMember {
  readonly nodeId: string;
  /** `host:peerPort` */
  readonly address: string;
  readonly clientPort: number;
  readonly status: string;
  readonly partitions: number;
}

/** RING PREFLIST key, parsed. */
export interface Preflist {
  readonly partition: number;
  readonly entries: ReadonlyArray<{ readonly node: string; readonly role: 'primary' | 'fallback'; readonly standsInFor: string | null }>;
}

const startedNodes = new Set<NodeProcess>();
const openClients = new Set<Redis>();
const nodeIds = new WeakMap<NodeProcess, string>();

/**
 * Start `size` nodes: node 0 alone, then the others (in parallel) with `--seeds` pointing at
 * node 0. Resolves once every process is listening; use waitForRing to wait for the ring itself.
 */
export async function startCluster(size: number, options: StartClusterOptions = {}): Promise<NodeProcess[]> {
  const args = options.args ?? [];
  const first = await track(NodeProcess.start({ args: [...args] }));
  const seed = `127.0.0.1:${first.peerPort}`;
  const rest = await Promise.allSettled(Array.from({ length: size - 1 }, () => track(NodeProcess.start({ args: [...args, '--seeds', seed] }))));
  const failed = rest.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return [first, ...rest.map((result) => (result as PromiseFulfilledResult<NodeProcess>).value)];
}

/** Start one more node seeded with `seedNode` (e.g. to grow a cluster), tracked like the others. */
export function startNode(seedNode: NodeProcess, args: readonly string[] = []): Promise<NodeProcess> {
  return track(NodeProcess.start({ args: [...args, '--seeds', `127.0.0.1:${seedNode.peerPort}`] }));
}

async function track(starting: Promise<NodeProcess>): Promise<NodeProcess> {
  const node = await starting;
  startedNodes.add(node);
  return node;
}

/** Stop (SIGTERM, then remove the data dir) the given nodes; a node already killed is just cleaned up. */
export async function stopCluster(nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      startedNodes.delete(node);
      await node.stop();
    }),
  );
}

/** Disconnect every client and stop every node this module started. For afterAll/afterEach. */
export async function closeAll(): Promise<void> {
  for (const redis of openClients) disconnect(redis);
  openClients.clear();
  await stopCluster([...startedNodes]);
}

/**
 * An ioredis client for `node`, closed by closeAll. No retries and no reconnect: a failing
 * command must surface as an error in the test, not be retried behind its back.
 */
export function client(node: NodeProcess): Redis {
  const redis = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  // An error event without a listener would be thrown by ioredis' emitter; the command's own
  // promise carries the error to the test.
  redis.on('error', () => undefined);
  openClients.add(redis);
  return redis;
}

/** Disconnect one client now (it is forgotten by closeAll). */
export function closeClient(redis: Redis): void {
  openClients.delete(redis);
  disconnect(redis);
}

/**
 * Disconnect unless the connection already ended (its node was killed): ioredis arms a 2 s
 * timer for a stream that will never close again, which would keep jest waiting.
 */
function disconnect(redis: Redis): void {
  if (redis.status !== 'end') redis.disconnect();
}

/** RING MEMBERS as `node` sees it. Opens (and closes) its own connection unless given one. */
export async function ringMembers(nodeOrClient: NodeProcess | Redis): Promise<RingMember[]> {
  const rows = (await withClient(nodeOrClient, (redis) => redis.call('RING', 'MEMBERS'))) as Array<[string, string, number, string, number]>;
  return rows.map(([nodeId, address, clientPort, status, partitions]) => ({ nodeId, address, clientPort: Number(clientPort), status, partitions: Number(partitions) }));
}

/** RING PREFLIST key as `node` sees it. */
export async function preflist(nodeOrClient: NodeProcess | Redis, key: string): Promise<Preflist> {
  const [partition, entries] = (await withClient(nodeOrClient, (redis) => redis.call('RING', 'PREFLIST', key))) as [number, Array<[string, 'primary' | 'fallback', string | null]>];
  return { partition: Number(partition), entries: entries.map(([node, role, standsInFor]) => ({ node, role, standsInFor })) };
}

/** RING STATUS's hints_pending as a map target node id → count. */
export async function hintsPending(nodeOrClient: NodeProcess | Redis): Promise<Map<string, number>> {
  const reply = (await withClient(nodeOrClient, (redis) => redis.call('RING', 'STATUS'))) as unknown[];
  const index = reply.indexOf('hints_pending');
  if (index < 0) throw new Error(`RING STATUS without hints_pending: ${JSON.stringify(reply)}`);
  const rows = reply[index + 1] as Array<[string, number]>;
  return new Map(rows.map(([target, count]) => [target, Number(count)]));
}

/** The node id `node` reports for itself (matched by client port in its own RING MEMBERS); cached. */
export async function nodeIdOf(node: NodeProcess): Promise<string> {
  const known = nodeIds.get(node);
  if (known !== undefined) return known;
  const self = (await ringMembers(node)).find((member) => member.address === `127.0.0.1:${node.peerPort}`);
  if (!self) throw new Error(`node on port ${node.port} does not list itself in RING MEMBERS`);
  nodeIds.set(node, self.nodeId);
  return self.nodeId;
}

/**
 * Wait until every one of `nodes` lists exactly `expectedMembers` members in RING MEMBERS, all
 * `up`, and all of them agree on who owns how many partitions (the ring has converged). Returns
 * the members as node 0 sees them.
 */
export async function waitForRing(nodes: readonly NodeProcess[], expectedMembers: number, timeoutMs = 15_000): Promise<RingMember[]> {
  let last = '';
  let members: RingMember[] = [];
  try {
    await eventually(async () => {
      const views = await Promise.all(nodes.map((node) => ringMembers(node).catch(() => undefined)));
      last = JSON.stringify(views);
      if (views.some((view) => view === undefined || view.length !== expectedMembers || view.some((m) => m.status !== 'up'))) return false;
      const shapes = views.map((view) => summary(view!));
      if (shapes.some((shape) => shape !== shapes[0])) return false;
      // Every member owns something once the ring includes it (a node only in the table may
      // show 0 partitions for a gossip round).
      if (views[0]!.some((m) => m.partitions === 0)) return false;
      members = views[0]!;
      return true;
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`ring of ${expectedMembers} did not form within ${timeoutMs} ms; last views: ${last}`);
  }
  return members;
}

/** Poll `node`'s RING MEMBERS until `nodeId` has `status` there. */
export async function waitForStatus(node: NodeProcess | Redis, nodeId: string, status: string, timeoutMs = 15_000): Promise<void> {
  let seen = '';
  try {
    await eventually(async () => {
      const member = (await ringMembers(node).catch(() => [] as RingMember[])).find((m) => m.nodeId === nodeId);
      seen = member?.status ?? 'absent';
      return seen === status;
    }, timeoutMs, 100);
  } catch {
    throw new Error(`${nodeId} did not become ${status} within ${timeoutMs} ms (last: ${seen})`);
  }
}

/** Log lines of `node` parsed as JSON (non-JSON lines are skipped). */
export function logRecords(node: NodeProcess): Array<Record<string, unknown>> {
  const records: Array<Record<string, unknown>> = [];
  for (const line of node.logLines) {
    try {
      const record = JSON.parse(line) as unknown;
      if (record && typeof record === 'object') records.push(record as Record<string, unknown>);
    } catch {
      // not a log record
    }
  }
  return records;
}

function summary(view: readonly RingMember[]): string {
  return view
    .map((m) => `${m.nodeId}@${m.address}:${m.partitions}`)
    .sort()
    .join(',');
}

async function withClient<T>(nodeOrClient: NodeProcess | Redis, run: (redis: Redis) => Promise<T>): Promise<T> {
  if (nodeOrClient instanceof Redis) return run(nodeOrClient);
  const redis = new Redis({ port: nodeOrClient.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    return await run(redis);
  } finally {
    disconnect(redis);
  }
}
