/**
 * Hand-built CommandContext pieces for unit-testing commands without a server: a ManualClock, the
 * default NodeConfig, a coordinator that only records flushAll calls, a keyspace whose numbers a
 * test sets, an in-memory client directory and a real ServerStats.
 */
import type { CommandSpec } from '../../src/commands/command';
import type { ClientSession, CommandContext, CommandTable, KeyspaceView, NodeServices } from '../../src/commands/context';
import { loadConfig } from '../../src/config/load-config';
import type { NodeConfig } from '../../src/config/options';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { ManualClock } from '../../src/lib/clock';
import type { Reply } from '../../src/resp/reply';
import { ServerStats } from '../../src/stats/server-stats';

export interface FakeCoordinator extends Coordinator {
  flushAllCalls: number;
}

export function fakeCoordinator(): FakeCoordinator {
  const coordinator: FakeCoordinator = {
    flushAllCalls: 0,
    read: () => Promise.reject(new Error('fake coordinator: read is not used by server commands')),
    mutate: () => Promise.reject(new Error('fake coordinator: mutate is not used by server commands')),
    flushAll: async () => {
      coordinator.flushAllCalls += 1;
    },
  };
  return coordinator;
}

export interface FakeSession extends ClientSession {
  killed: boolean;
}

export function fakeSession(id: number, clock: ManualClock, overrides: Partial<ClientSession> = {}): FakeSession {
  const session: FakeSession = {
    id,
    address: `127.0.0.1:${50000 + id}`,
    localAddress: '127.0.0.1:6379',
    connectedAtMs: clock.nowMs(),
    name: '',
    protocol: 2,
    lastCommand: 'NULL',
    lastActiveMs: clock.nowMs(),
    closeAfterReply: false,
    outputBytes: () => 0,
    kill: () => {
      session.killed = true;
    },
    killed: false,
    ...overrides,
  };
  return session;
}

export interface FakeNode {
  readonly services: NodeServices;
  readonly clock: ManualClock;
  readonly coordinator: FakeCoordinator;
  readonly keyspace: { liveKeys: number; expiredKeys: number } & KeyspaceView;
  readonly sessions: FakeSession[];
  readonly stats: ServerStats;
  /** A context for the session with this id (created on first use). */
  context(clientId?: number): CommandContext & { client: FakeSession };
}

export function fakeConfig(overrides: Partial<NodeConfig> = {}): NodeConfig {
  return { ...loadConfig({ argv: [], env: {}, readFile: () => '{}' }), ...overrides };
}

export function fakeNode(specs: readonly CommandSpec[], config: NodeConfig = fakeConfig()): FakeNode {
  const clock = new ManualClock();
  const coordinator = fakeCoordinator();
  const keyspace = { liveKeys: 0, expiredKeys: 0, storage: () => ({ mapBytes: 1 << 30, usedBytes: 4096 }) };
  const sessions: FakeSession[] = [];
  const stats = new ServerStats(specs.map((spec) => spec.name));
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const commands: CommandTable = { get: (name) => byName.get(name), all: () => specs };
  const services: NodeServices = {
    nodeId: 'node-a',
    version: '0.1.0',
    config,
    clock,
    startedAtMs: clock.nowMs(),
    coordinator,
    keyspace,
    clients: {
      list: () => sessions,
      get connectedCount() {
        return sessions.length;
      },
      rejectedCount: 0,
      acceptedCount: 0,
    },
    stats,
    cluster: {
      members: () => [{ nodeId: 'node-a', host: '127.0.0.1', peerPort: 16379, clientPort: 6379, status: 'up', partitions: 64 }],
      preflist: () => ({ partition: 0, entries: [{ node: 'node-a', role: 'primary' }] }),
      hintsPending: () => new Map(),
      antiEntropy: () => ({ exchanges: 0, exchangesFailed: 0, keysPulled: 0, keysPushed: 0, cycles: 0, lastCycleMs: 0, partitionsBehind: 0 }),
      join: async () => undefined,
      leave: () => undefined,
      transfers: () => [],
      transferStats: () => ({ partitions: 0, partitionsCompleted: 0, recordsSent: 0, recordsDropped: 0, batchesFailed: 0, recordsReceived: 0, recordsMerged: 0 }),
      memberStatus: () => 'up',
      lifecycleStats: () => ({ flushGeneration: 0, hintsDelivered: 0, hintsRefused: 0, tombstonesReaped: 0, reapsDeferred: 0 }),
    },
    commands,
  };
  const context = (clientId = 1): CommandContext & { client: FakeSession } => {
    let client = sessions.find((session) => session.id === clientId);
    if (client === undefined) {
      client = fakeSession(clientId, clock);
      sessions.push(client);
    }
    return { client, node: services };
  };
  return { services, clock, coordinator, keyspace, sessions, stats, context };
}

/**
 * Run a command the way the registry and connection do: arity checked first, string arguments
 * become Buffers, thrown ReplyErrors become error replies.
 */
export async function call(spec: CommandSpec, ctx: CommandContext, ...args: string[]): Promise<Reply> {
  const arityFits = spec.arity >= 0 ? args.length === spec.arity : args.length >= -spec.arity;
  if (!arityFits) return { kind: 'error', message: `ERR wrong number of arguments for '${spec.name}' command` };
  try {
    return await spec.run(ctx, args.map((arg) => Buffer.from(arg, 'latin1')));
  } catch (err) {
    if (err instanceof Error && err.name === 'ReplyError') return { kind: 'error', message: err.message };
    throw err;
  }
}
