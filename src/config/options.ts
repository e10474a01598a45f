import { LOG_LEVELS } from '../lib/log';

/** One node option: the single source for flags, env names, config-file keys, defaults and help. */
export interface OptionSpec {
  /** Flag name without dashes, e.g. "peer-port"; env is DYNKV_PEER_PORT; the file key is "peer-port" or "peerPort". */
  readonly name: string;
  readonly kind: 'int' | 'bytes' | 'string' | 'list' | 'enum';
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly help: string;
}

const MiB = 1024 * 1024;

export const OPTION_SPECS: readonly OptionSpec[] = [
  { name: 'host', kind: 'string', help: 'address to bind and to advertise (default 127.0.0.1)' },
  { name: 'port', kind: 'int', min: 1, max: 65535, help: 'RESP client port (default 6379)' },
  { name: 'peer-port', kind: 'int', min: 1, max: 65535, help: 'protobuf peer port (default port + 10000)' },
  { name: 'advertise-peer-port', kind: 'int', min: 1, max: 65535, help: 'peer port other nodes dial, when they reach this node through a forwarder or NAT (default peer-port)' },
  { name: 'data', kind: 'string', help: 'LMDB directory (default ./data/<port>)' },
  { name: 'node-id', kind: 'string', help: 'stable node identity (default: generated once, kept in the data dir)' },
  { name: 'seeds', kind: 'list', help: 'comma list of host:peerPort to join through' },
  { name: 'n', kind: 'int', min: 1, max: 16, help: 'replication factor (default 3)' },
  { name: 'r', kind: 'int', min: 1, max: 16, help: 'read quorum (default 2)' },
  { name: 'w', kind: 'int', min: 1, max: 16, help: 'write quorum (default 2)' },
  { name: 'partitions', kind: 'int', min: 1, max: 4096, help: 'Q, fixed number of ring partitions (default 64)' },
  { name: 'request-timeout', kind: 'int', min: 1, max: 600_000, help: 'per replica request, ms (default 1000)' },
  { name: 'max-value-bytes', kind: 'bytes', min: 1, max: 512 * MiB, help: 'largest value accepted (default 8mb)' },
  { name: 'max-data-bytes', kind: 'bytes', min: 1 * MiB, max: 2 ** 46, help: 'LMDB map size: the most data a node holds (default 8gb)' },
  { name: 'durability', kind: 'enum', choices: ['fsync', 'commit'], help: 'commit (default): acknowledged after the LMDB commit, survives a process crash, synced to disk every second; fsync: every group commit is synced before acknowledging' },
  { name: 'tombstone-grace', kind: 'int', min: 0, max: 30 * 24 * 3600 * 1000, help: 'ms a deleted or expired key is kept before it may be reaped, which with --n > 1 also waits until every replica holds the deletion (default 0 with --n 1, else 86400000)' },
  { name: 'max-clients', kind: 'int', min: 1, max: 100_000, help: 'client connections accepted at once (default 10000)' },
  { name: 'log-level', kind: 'enum', choices: LOG_LEVELS, help: 'bunyan level (default info)' },
];

export interface NodeConfig {
  readonly host: string;
  readonly port: number;
  readonly peerPort: number;
  /** The peer port advertised to other nodes (peerPort unless a forwarder sits in front). */
  readonly advertisedPeerPort: number;
  readonly dataDir: string;
  readonly nodeId: string | undefined;
  readonly seeds: readonly string[];
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly partitions: number;
  readonly requestTimeoutMs: number;
  readonly tombstoneGraceMs: number;
  readonly maxValueBytes: number;
  readonly maxDataBytes: number;
  readonly durability: 'fsync' | 'commit';
  readonly maxClients: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export const DEFAULT_PORT = 6379;
export const PEER_PORT_OFFSET = 10000;
export const DEFAULT_MAX_VALUE_BYTES = 8 * MiB;
