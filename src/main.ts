import fs from 'node:fs';
import { ConfigError, loadConfig } from './config/load-config';
import path from 'node:path';
import { NODES_MAX, runCluster } from './cli/cluster-command';
import { runStatus } from './cli/status-command';
import { DEFAULT_PORT, OPTION_SPECS, PEER_PORT_OFFSET } from './config/options';
import { SystemClock } from './lib/clock';
import { createLogger } from './lib/log';
import { SystemRandom } from './lib/random';
import { DynkvNode } from './node/dynkv-node';
import { DYNKV_VERSION } from './node/version';

const USAGE = `usage: dynkv <command> [options]

commands:
  start [options]                  run one node (the production entry point)
  cluster --nodes K [--port P]     K local nodes (client ports P.., peer ports P+10000..; npm start runs 3)
  status [--host h] [--port p]     ring, members, health, hints of a running cluster
  --help               this text
  --version            print the version

node options (also env DYNKV_<NAME>, or a JSON file given by --config; flag > env > file > default):
${OPTION_SPECS.map((spec) => `  --${spec.name.padEnd(18)} ${spec.help}`).join('\n')}
  --config             JSON file of options, e.g. {"port": 7000, "n": 1}
`;

/** Exit codes: 2 for a usage or configuration problem, 1 for a failure at run time. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return startNode(rest);
    case 'cluster':
      return startCluster(rest);
    case 'status':
      return showStatus(rest);
    case '--version':
    case 'version':
      process.stdout.write(`dynkv ${DYNKV_VERSION}\n`);
      return;
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command '${command}' (see dynkv --help)`, EXIT_USAGE);
  }
}

async function startNode(argv: readonly string[]): Promise<void> {
  let config;
  try {
    config = loadConfig({ argv, env: process.env, readFile: (path) => fs.readFileSync(path, 'utf8') });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, EXIT_USAGE);
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let node: DynkvNode;
  try {
    node = await DynkvNode.start(config, { clock: new SystemClock(), random: new SystemRandom(), logger });
  } catch (err) {
    fail((err as Error).message, EXIT_FAILURE);
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without a clean shutdown');
      process.exit(EXIT_FAILURE);
    }
    logger.info({ signal }, 'shutting down');
    node.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** `cluster --nodes K [--port P] [node flags...]`; N/R/W default to what K nodes can satisfy. */
async function startCluster(argv: readonly string[]): Promise<void> {
  const args = [...argv];
  const take = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    if (i === -1) return fallback;
    const value = Number(args[i + 1]);
    args.splice(i, 2);
    if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer`, EXIT_USAGE);
    return value;
  };
  const nodes = take('nodes', 3);
  const basePort = take('port', DEFAULT_PORT);
  if (nodes > NODES_MAX) fail(`--nodes must be at most ${NODES_MAX}`, EXIT_USAGE);
  if (basePort + nodes - 1 + PEER_PORT_OFFSET > 65535) fail(`--port ${basePort} leaves no room for ${nodes} peer ports`, EXIT_USAGE);
  const quorumDefaults: string[] = [];
  const n = Math.min(3, nodes);
  if (!args.includes('--n')) quorumDefaults.push('--n', String(n));
  if (!args.includes('--r')) quorumDefaults.push('--r', String(Math.min(2, n)));
  if (!args.includes('--w')) quorumDefaults.push('--w', String(Math.min(2, n)));
  await runCluster({
    nodes,
    basePort,
    nodeArgs: [...quorumDefaults, ...args],
    binPath: path.join(__dirname, '..', 'bin', 'dynkv.js'),
    clock: new SystemClock(),
    out: (line) => process.stdout.write(`${line}\n`),
  });
}

async function showStatus(argv: readonly string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? fallback : argv[i + 1] ?? fallback;
  };
  const port = Number(option('port', String(DEFAULT_PORT)));
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a port number', EXIT_USAGE);
  try {
    process.exitCode = await runStatus(option('host', '127.0.0.1'), port, new SystemClock(), (line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    fail((err as Error).message, EXIT_FAILURE);
  }
}

/** One clear line on stderr, then a non-zero exit. */
function fail(message: string, code: number): never {
  process.stderr.write(`dynkv: ${message}\n`);
  process.exit(code);
}
