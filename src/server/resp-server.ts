import net from 'node:net';
import { ClientDirectory, NodeServices } from '../commands/context';
import { Clock } from '../lib/clock';
import { Logger } from '../lib/log';
import type { ServerStats } from '../stats/server-stats';
import { ClientConnection } from './client-connection';
import { ConnectionLimits } from './connection-limits';

export interface RespServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxClients: number;
  readonly limits: ConnectionLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: ServerStats;
}

/** How long a clean shutdown waits for clients to take their replies before cutting them off. */
export const DRAIN_TIMEOUT_MS = 5000;

/** The client port: accepts sockets up to max-clients and owns their ClientConnections. */
export class RespServer implements ClientDirectory {
  readonly #options: RespServerOptions;
  readonly #connections = new Set<ClientConnection>();
  #server: net.Server | undefined;
  #services: NodeServices | undefined;
  #nextId = 1;
  #accepted = 0;
  #rejected = 0;

  constructor(options: RespServerOptions) {
    this.#options = options;
  }

  get connectedCount(): number {
    return this.#connections.size;
  }

  get acceptedCount(): number {
    return this.#accepted;
  }

  get rejectedCount(): number {
    return this.#rejected;
  }

  list() {
    return [...this.#connections].map((connection) => connection.session);
  }

  /** Start listening; rejects with a readable message if the port cannot be bound. */
  listen(services: NodeServices): Promise<void> {
    this.#services = services;
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const { host, port } = this.#options;
        reject(new Error(err.code === 'EADDRINUSE' ? `port ${host}:${port} is already in use` : `cannot listen on ${host}:${port}: ${err.message}`));
      });
      server.listen(this.#options.port, this.#options.host, () => {
        server.on('error', (err) => this.#options.logger.error({ err }, 'client listener error'));
        resolve();
      });
    });
  }

  /** Stop accepting, let clients take the replies they are owed, then close them. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    const drained = Promise.all([...this.#connections].map((connection) => connection.close()));
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.#options.clock.setTimer(DRAIN_TIMEOUT_MS, () => {
        for (const connection of this.#connections) connection.destroy();
        resolve();
      });
    });
    await Promise.race([drained, timeout]);
    timer?.cancel();
    await stopped;
  }

  #accept(socket: net.Socket): void {
    const { stats, logger, clock, limits, maxClients } = this.#options;
    stats.recordConnection();
    if (this.#connections.size >= maxClients || !this.#services) {
      this.#rejected++;
      socket.on('error', () => undefined);
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.#accepted++;
    const connection = new ClientConnection(socket, {
      id: this.#nextId++,
      services: this.#services,
      stats,
      clock,
      logger,
      limits,
      onClose: (closed) => this.#connections.delete(closed),
    });
    this.#connections.add(connection);
  }
}
