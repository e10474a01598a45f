import type { NodeConfig } from '../config/options';
import type { Coordinator } from '../coordinator/coordinator';
import type { Clock } from '../lib/clock';
import type { CommandSpec } from './command';

/** Per-connection state a command may read or change. */
export interface ClientSession {
  readonly id: number;
  /** "ip:port" of the client. */
  readonly address: string;
  /** "ip:port" of the node's socket. */
  readonly localAddress: string;
  readonly connectedAtMs: number;
  name: string;
  protocol: 2 | 3;
  lastCommand: string;
  lastActiveMs: number;
  /** Set by QUIT: close once this reply is written. */
  closeAfterReply: boolean;
  /** Bytes waiting in the socket's output buffer. */
  readonly outputBytes: () => number;
  /** Close the connection at once (CLIENT KILL semantics). */
  readonly kill: () => void;
}

export interface ClientDirectory {
  list(): readonly ClientSession[];
  readonly connectedCount: number;
  readonly rejectedCount: number;
  readonly acceptedCount: number;
}

export interface CommandTable {
  get(name: string): CommandSpec | undefined;
  all(): readonly CommandSpec[];
}

/** Cumulative counters and per-command latency for INFO. */
export interface StatsView {
  readonly commandsProcessed: number;
  readonly connectionsReceived: number;
  readonly protocolErrors: number;
  readonly keyspaceHits: number;
  readonly keyspaceMisses: number;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
  /** name → calls, total µs and latency percentiles in µs. */
  commandStats(): ReadonlyArray<{ name: string; calls: number; usecTotal: number; failed: number; p50Usec: number; p99Usec: number; p999Usec: number }>;
  recordHit(hit: boolean): void;
}

export interface KeyspaceView {
  /** Keys holding a value on this node (DBSIZE). */
  readonly liveKeys: number;
  readonly expiredKeys: number;
  readonly storage: () => { mapBytes: number; usedBytes: number };
}

/** Anti-entropy progress on this node (src/antientropy/scheduler.ts AntiEntropyStatus). */
export interface AntiEntropyProgress {
  readonly exchanges: number;
  readonly exchangesFailed: number;
  readonly keysPulled: number;
  readonly keysPushed: number;
  readonly cycles: number;
  readonly lastCycleMs: number;
  readonly partitionsBehind: number;
}

/** The cluster as RING commands show it. */
export interface ClusterInfo {
  members(): ReadonlyArray<{ nodeId: string; host: string; peerPort: number; clientPort: number; status: string; partitions: number }>;
  preflist(key: Buffer): { partition: number; entries: ReadonlyArray<{ node: string; role: 'primary' | 'fallback'; standsInFor?: string }> };
  /** Hints held here, per target node. */
  hintsPending(): ReadonlyMap<string, number>;
  antiEntropy(): AntiEntropyProgress;
  join(address: string): Promise<void>;
  leave(): void;
  /** Partitions this node is handing off (partition transfer), with their progress. */
  transfers(): ReadonlyArray<TransferRow>;
  /** Partition transfer counters (INFO). */
  transferStats(): TransferStats;
  /** This node's membership status: up, joining, leaving, or removed once its leave completed. */
  memberStatus(): string;
  /** Deletes and flushes (INFO): the FLUSHALL generation, hints delivered, tombstones reaped. */
  lifecycleStats(): { flushGeneration: number; hintsDelivered: number; hintsRefused: number; tombstonesReaped: number; reapsDeferred: number };
}

export interface TransferRow {
  readonly partition: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly sent: number;
  readonly dropped: number;
  readonly total: number;
}

export interface TransferStats {
  /** Partitions held here and being handed off now. */
  readonly partitions: number;
  readonly partitionsCompleted: number;
  readonly recordsSent: number;
  readonly recordsDropped: number;
  readonly batchesFailed: number;
  /** Records other nodes handed to this one, and how many of them changed its replica. */
  readonly recordsReceived: number;
  readonly recordsMerged: number;
}

/** What the node lends a command. Commands never see sockets, the store or the network. */
export interface NodeServices {
  readonly nodeId: string;
  readonly version: string;
  readonly config: NodeConfig;
  readonly clock: Clock;
  readonly startedAtMs: number;
  readonly coordinator: Coordinator;
  readonly keyspace: KeyspaceView;
  readonly clients: ClientDirectory;
  readonly stats: StatsView;
  readonly commands: CommandTable;
  readonly cluster: ClusterInfo;
}

export interface CommandContext {
  readonly client: ClientSession;
  readonly node: NodeServices;
}
