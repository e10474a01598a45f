import bunyan from 'bunyan';

/** bunyan JSON lines; child loggers carry `{node, peer, partition}` so every line says where it came from. */
export type Logger = bunyan;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function createLogger(level: LogLevel, fields: Record<string, unknown> = {}): Logger {
  return bunyan.createLogger({ name: 'dynkv', level, stream: process.stdout, ...fields });
}

/** A logger that writes nothing: for unit tests and the simulator. */
export function createSilentLogger(): Logger {
  return bunyan.createLogger({ name: 'dynkv', streams: [] });
}
