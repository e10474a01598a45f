import fs from 'node:fs';
import { ConfigError, loadConfig } from './config/load-config';
import { OPTION_SPECS } from './config/options';
import { SystemClock } from './lib/clock';
import { createLogger } from './lib/log';
import { SystemRandom } from './lib/random';
import { DynkvNode } from './node/dynkv-node';
import { DYNKV_VERSION } from './node/version';

const USAGE = `usage: dynkv <command> [options]

commands:
  start [options]      run one node (the production entry point)
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

/** One clear line on stderr, then a non-zero exit. */
function fail(message: string, code: number): never {
  process.stderr.write(`dynkv: ${message}\n`);
  process.exit(code);
}
