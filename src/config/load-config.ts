import { DEFAULT_MAX_VALUE_BYTES, DEFAULT_PORT, NodeConfig, OPTION_SPECS, OptionSpec, PEER_PORT_OFFSET } from './options';

/** A configuration problem; `message` is the single line the CLI prints before exiting non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type RawValues = Map<string, string | number | string[]>;

export interface ConfigSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file; throws if unreadable. */
  readonly readFile: (path: string) => string;
}

/** Flag > env > file > default. */
export function loadConfig(sources: ConfigSources): NodeConfig {
  const flags = parseFlags(sources.argv);
  const configPath = flags.get('config') ?? sources.env.DYNKV_CONFIG;
  flags.delete('config');
  const file = typeof configPath === 'string' ? readConfigFile(configPath, sources.readFile) : new Map();
  const env = readEnv(sources.env);
  const merged: RawValues = new Map([...file, ...env, ...flags]);
  return buildConfig(merged);
}

/** `--name value` and `--name=value`; every flag takes a value. */
export function parseFlags(argv: readonly string[]): RawValues {
  const out: RawValues = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (name !== 'config' && !findSpec(name)) throw new ConfigError(`unknown option '--${name}' (see dynkv --help)`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new ConfigError(`option '--${name}' needs a value`);
      value = argv[++i];
    }
    out.set(name, value);
  }
  return out;
}

function readEnv(env: ConfigSources['env']): RawValues {
  const out: RawValues = new Map();
  for (const spec of OPTION_SPECS) {
    const value = env[`DYNKV_${spec.name.toUpperCase().replace(/-/g, '_')}`];
    if (value !== undefined && value !== '') out.set(spec.name, value);
  }
  return out;
}

function readConfigFile(path: string, readFile: ConfigSources['readFile']): RawValues {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const out: RawValues = new Map();
  for (const [key, value] of Object.entries(parsed)) {
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!findSpec(name)) throw new ConfigError(`config file ${path}: unknown option '${key}'`);
    if (typeof value !== 'string' && typeof value !== 'number' && !Array.isArray(value)) {
      throw new ConfigError(`config file ${path}: option '${key}' must be a string, number or list`);
    }
    out.set(name, Array.isArray(value) ? value.map(String) : value);
  }
  return out;
}

function findSpec(name: string): OptionSpec | undefined {
  return OPTION_SPECS.find((spec) => spec.name === name);
}

function buildConfig(raw: RawValues): NodeConfig {
  const value = <T>(name: string, fallback: T): T | string | number | string[] => raw.get(name) ?? fallback;
  const port = toInt('port', value('port', DEFAULT_PORT));
  const n = toInt('n', value('n', 3));
  const r = toInt('r', value('r', 2));
  const w = toInt('w', value('w', 2));
  if (r > n) throw new ConfigError(`--r ${r} is larger than --n ${n}`);
  if (w > n) throw new ConfigError(`--w ${w} is larger than --n ${n}`);
  const host = String(value('host', '127.0.0.1'));
  if (host === '') throw new ConfigError('--host must not be empty');
  const nodeId = raw.get('node-id');
  if (nodeId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(String(nodeId))) {
    throw new ConfigError(`--node-id '${nodeId}' must be 1-64 characters of letters, digits, '.', '_' or '-'`);
  }
  const peerPort = toInt('peer-port', value('peer-port', port + PEER_PORT_OFFSET));
  return {
    host,
    port,
    peerPort,
    advertisedPeerPort: toInt('advertise-peer-port', value('advertise-peer-port', peerPort)),
    dataDir: String(value('data', `./data/${port}`)),
    nodeId: nodeId === undefined ? undefined : String(nodeId),
    seeds: toSeeds(value('seeds', [])),
    n,
    r,
    w,
    partitions: toInt('partitions', value('partitions', 64)),
    requestTimeoutMs: toInt('request-timeout', value('request-timeout', 1000)),
    tombstoneGraceMs: toInt('tombstone-grace', value('tombstone-grace', n === 1 ? 0 : DEFAULT_REPLICATED_TOMBSTONE_GRACE_MS)),
    maxValueBytes: toInt('max-value-bytes', value('max-value-bytes', DEFAULT_MAX_VALUE_BYTES)),
    maxDataBytes: toInt('max-data-bytes', value('max-data-bytes', 8 * 1024 ** 3)),
    durability: toEnum('durability', value('durability', 'commit')) as NodeConfig['durability'],
    maxClients: toInt('max-clients', value('max-clients', 10000)),
    logLevel: toEnum('log-level', value('log-level', 'info')) as NodeConfig['logLevel'],
  };
}

/**
 * With replicas, a tombstone also guards against a hint of an older write arriving after it was
 * reaped (see src/antientropy/tombstone-reaper.ts), so it outlives any plausible outage.
 */
const DEFAULT_REPLICATED_TOMBSTONE_GRACE_MS = 24 * 3600 * 1000;

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

function toInt(name: string, raw: unknown): number {
  const spec = findSpec(name)!;
  let parsed: number;
  if (typeof raw === 'number') parsed = raw;
  else {
    const text = String(raw).trim().toLowerCase();
    const match = spec.kind === 'bytes' ? /^(\d+)([a-z]*)$/.exec(text) : /^(\d+)()$/.exec(text);
    const unit = match ? BYTE_UNITS[match[2]] : undefined;
    if (!match || unit === undefined) throw new ConfigError(`--${name} must be ${spec.kind === 'bytes' ? 'a size like 8mb' : 'an integer'}, got '${raw}'`);
    parsed = Number(match[1]) * unit;
  }
  if (!Number.isSafeInteger(parsed)) throw new ConfigError(`--${name} must be an integer, got '${raw}'`);
  if (spec.min !== undefined && parsed < spec.min) throw new ConfigError(`--${name} must be at least ${spec.min}, got ${parsed}`);
  if (spec.max !== undefined && parsed > spec.max) throw new ConfigError(`--${name} must be at most ${spec.max}, got ${parsed}`);
  return parsed;
}

function toEnum(name: string, raw: unknown): string {
  const spec = findSpec(name)!;
  const text = String(raw);
  if (!spec.choices!.includes(text)) throw new ConfigError(`--${name} must be one of ${spec.choices!.join(', ')}, got '${text}'`);
  return text;
}

function toSeeds(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
  const seeds = list.map((s) => s.trim()).filter((s) => s !== '');
  for (const seed of seeds) {
    const match = /^(.+):(\d+)$/.exec(seed);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(`--seeds entry '${seed}' must be host:peerPort`);
    }
  }
  return seeds;
}
