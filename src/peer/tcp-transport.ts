/**
 * The real Transport: protobuf Envelopes over TCP (the only file of src/peer that touches
 * `node:net`). A thin shell: framing, codec, handshake rules and backoff live in pure modules;
 * this file owns sockets, the listener and the per-peer redial state.
 *
 * - Outbound: one connection per peer address, dialed lazily by the first request and shared by
 *   all requests to that address (multiplexed by request id).
 * - Redial: a failed attempt (connect error, refused or broken handshake, protocol error)
 *   starts an exponential backoff with jitter; until it elapses, requests to that address fail
 *   at once with UNREACHABLE, so a dead peer costs one connect attempt per backoff step and no
 *   waiting. A connection that was up and simply closed (a peer restart) is redialed at once.
 * - Inbound: at most inboundConnectionsMax accepted connections; each answers Hello and then
 *   serves requests through the handler given to serve().
 */
import net from 'node:net';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/log';
import type { Random } from '../lib/random';
import { assert } from '../lib/assert';
import type { RequestBody, ResponseBody } from './bodies';
import { backoffDelayMs } from './backoff';
import { SUPPORTED_VERSIONS, type LocalIdentity, type VersionRange } from './handshake';
import { InboundConnection } from './inbound-connection';
import { OutboundConnection } from './outbound-connection';
import { peerLimitsFor, type PeerLimits } from './peer-limits';
import { PeerError, formatPeerAddress, type PeerAddress, type RequestHandler, type Transport } from './transport';

export interface TcpTransportOptions {
  readonly nodeId: string;
  /** Peers of another cluster are refused at the handshake. */
  readonly clusterName: string;
  /** Where the peer port is bound, and the address advertised to peers. */
  readonly host: string;
  /** 0 lets the OS choose (see `port` after listen()). */
  readonly peerPort: number;
  /** The peer port advertised to peers, when they reach this node through a forwarder (default peerPort). */
  readonly advertisedPeerPort?: number;
  /** The RESP port, advertised in Hello. */
  readonly clientPort: number;
  /** Largest Envelope sent or received; the node passes maxValueBytes + 1 MiB. */
  readonly frameBytesMax: number;
  /** Overrides of the other limits (see peer-limits.ts); tests shorten timings with it. */
  readonly limits?: Partial<Omit<PeerLimits, 'frameBytesMax'>>;
  /** The protocol versions spoken; tests impersonate old or future nodes with it. */
  readonly versions?: VersionRange;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
}

export interface TcpTransportStats {
  /** Outbound dials started. */
  readonly connectAttempts: number;
  readonly outboundConnections: number;
  readonly inboundConnections: number;
  readonly inboundAccepted: number;
  /** Inbound connections closed at once because inboundConnectionsMax were open. */
  readonly inboundRejected: number;
  /** Inbound connections dropped for garbage or a protocol violation. */
  readonly inboundProtocolErrors: number;
}

/** Lets the OS notice a peer that vanished without a FIN (power loss) on an idle connection. */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/** Redial state of one peer address. */
interface PeerSlot {
  connection: OutboundConnection | undefined;
  /** Consecutive failed attempts; 0 once a handshake succeeds. */
  failures: number;
  /** Monotonic time before which no new attempt is made. */
  retryAtMs: number;
  lastFailure: string;
}

export class TcpTransport implements Transport {
  readonly #options: TcpTransportOptions;
  readonly #limits: PeerLimits;
  readonly #local: LocalIdentity;
  readonly #slots = new Map<string, PeerSlot>();
  readonly #outbound = new Set<OutboundConnection>();
  readonly #inbound = new Set<InboundConnection>();
  #handler: RequestHandler | undefined;
  #server: net.Server | undefined;
  #closing: Promise<void> | undefined;
  #stats = { connectAttempts: 0, inboundAccepted: 0, inboundRejected: 0, inboundProtocolErrors: 0 };

  constructor(options: TcpTransportOptions) {
    this.#options = options;
    this.#limits = peerLimitsFor(options.frameBytesMax, options.limits);
    this.#local = {
      nodeId: options.nodeId,
      clusterName: options.clusterName,
      host: options.host,
      peerPort: options.advertisedPeerPort ?? options.peerPort,
      clientPort: options.clientPort,
      versions: options.versions ?? SUPPORTED_VERSIONS,
    };
  }

  get stats(): TcpTransportStats {
    return { ...this.#stats, outboundConnections: this.#outbound.size, inboundConnections: this.#inbound.size };
  }

  /** The bound peer port (useful when options.peerPort is 0), undefined before listen(). */
  get port(): number | undefined {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** Start accepting peers; rejects with a readable message if the port cannot be bound. */
  listen(): Promise<void> {
    assert(this.#server === undefined && this.#closing === undefined, 'listen() once, before close()');
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    const { host, peerPort, logger } = this.#options;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.#server = undefined;
        reject(new Error(err.code === 'EADDRINUSE' ? `peer port ${host}:${peerPort} is already in use` : `cannot listen on peer port ${host}:${peerPort}: ${err.message}`));
      });
      server.listen(peerPort, host, () => {
        server.on('error', (err) => logger.error({ err }, 'peer listener error'));
        logger.info({ host, peerPort: this.port }, 'listening for peers');
        resolve();
      });
    });
  }

  serve(handler: RequestHandler): void {
    assert(this.#handler === undefined, 'serve() takes one handler per transport');
    this.#handler = handler;
  }

  request(to: PeerAddress, body: RequestBody, timeoutMs: number): Promise<ResponseBody> {
    const peer = formatPeerAddress(to);
    if (this.#closing !== undefined) return Promise.reject(new PeerError('CLOSED', peer, 'transport closed'));
    let slot = this.#slots.get(peer);
    if (slot === undefined) {
      slot = { connection: undefined, failures: 0, retryAtMs: 0, lastFailure: '' };
      this.#slots.set(peer, slot);
    }
    if (slot.connection === undefined) {
      const waitMs = slot.retryAtMs - this.#options.clock.monotonicMs();
      if (waitMs > 0) {
        const detail = `${slot.lastFailure} (${slot.failures} failed attempts; next in ${Math.ceil(waitMs)} ms)`;
        return Promise.reject(new PeerError('UNREACHABLE', peer, detail));
      }
      const dialed = this.#dial(to, peer, slot);
      if (dialed instanceof PeerError) return Promise.reject(dialed);
      slot.connection = dialed;
    }
    return slot.connection.request(body, timeoutMs);
  }

  versionWith(to: PeerAddress): number | undefined {
    return this.#slots.get(formatPeerAddress(to))?.connection?.version;
  }

  peerAlive(to: PeerAddress): void {
    const slot = this.#slots.get(formatPeerAddress(to));
    if (slot && slot.connection === undefined) slot.retryAtMs = 0;
  }

  /** Stop listening, fail pending requests with CLOSED, end every connection. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const closed = [...this.#outbound, ...this.#inbound].map((connection) => connection.closed);
    for (const connection of [...this.#outbound]) connection.shutdown();
    for (const connection of [...this.#inbound]) connection.shutdown();
    await Promise.all([stopped, ...closed]);
  }

  #dial(to: PeerAddress, peer: string, slot: PeerSlot): OutboundConnection | PeerError {
    const { clock, logger } = this.#options;
    this.#stats.connectAttempts++;
    let socket: net.Socket;
    try {
      socket = net.connect({ host: to.host, port: to.port });
    } catch (err) {
      // A malformed address (from gossip, say) must not throw into the caller.
      const error = new PeerError('UNREACHABLE', peer, `cannot dial: ${(err as Error).message}`);
      this.#recordFailure(peer, slot, error);
      return error;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    const connection = new OutboundConnection(socket, {
      peer,
      local: this.#local,
      limits: this.#limits,
      clock,
      logger: logger.child({ peer }),
      onReady: () => {
        if (slot.failures > 0) logger.info({ peer, failures: slot.failures }, `peer ${peer} reachable again`);
        slot.failures = 0;
        slot.retryAtMs = 0;
      },
      onClosed: (closed, failure) => {
        this.#outbound.delete(closed);
        if (slot.connection === closed) slot.connection = undefined;
        if (failure !== undefined && this.#closing === undefined) this.#recordFailure(peer, slot, failure);
        else if (slot.failures === 0 && slot.connection === undefined) this.#slots.delete(peer);
      },
    });
    this.#outbound.add(connection);
    return connection;
  }

  #recordFailure(peer: string, slot: PeerSlot, failure: PeerError): void {
    const { clock, random, logger } = this.#options;
    slot.failures++;
    const delayMs = backoffDelayMs(slot.failures, this.#limits.backoff, random.float());
    slot.retryAtMs = clock.monotonicMs() + delayMs;
    slot.lastFailure = failure.message;
    // One warn line when a peer becomes unreachable, not one per redial.
    const fields = { peer, failures: slot.failures, retryInMs: Math.round(delayMs), code: failure.code };
    if (slot.failures === 1) logger.warn(fields, `cannot reach peer ${peer}: ${failure.message}; redialing with backoff`);
    else logger.debug(fields, `peer ${peer} still unreachable: ${failure.message}`);
  }

  #accept(socket: net.Socket): void {
    const { clock, logger } = this.#options;
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('error', () => undefined); // FramedStream reports errors; never let one throw
    if (this.#closing !== undefined || this.#inbound.size >= this.#limits.inboundConnectionsMax) {
      this.#stats.inboundRejected++;
      logger.warn({ peer: remote, inbound: this.#inbound.size }, `refusing connection from ${remote}: inboundConnectionsMax reached or closing`);
      socket.destroy();
      return;
    }
    this.#stats.inboundAccepted++;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    const connection = new InboundConnection(socket, {
      remote,
      local: this.#local,
      limits: this.#limits,
      clock,
      logger: logger.child({ peer: remote }),
      handler: () => this.#handler,
      onGarbage: () => this.#stats.inboundProtocolErrors++,
      onClosed: (closed) => this.#inbound.delete(closed),
    });
    this.#inbound.add(connection);
  }
}
