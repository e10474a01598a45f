import net from 'node:net';
import { decodeEnvelope } from '../../src/peer/codec';

/** Bytes of a dialer's first frame the proxy reads before it gives up on learning who dials. */
const HELLO_BYTES_MAX = 64 * 1024;

/**
 * A TCP forwarder in front of one node's peer port, for network partitions between real
 * processes. Every node advertises its proxy's port (`--advertise-peer-port`), so all peer
 * traffic to it passes here. Each connection's first frame is the dialer's Hello, which names the
 * dialing node: `cut(nodeId)` drops that node's connections and refuses new ones, so cutting A at
 * B's proxy and B at A's proxy is a two-way partition between A and B. `heal()` lets everyone in.
 */
export class PartitionProxy {
  readonly #server: net.Server;
  readonly #targetPort: number;
  readonly #cut = new Set<string>();
  readonly #open = new Map<net.Socket, { dialer: string | undefined; upstream: net.Socket }>();
  port = 0;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  static async start(port: number, targetPort: number): Promise<PartitionProxy> {
    const proxy = new PartitionProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(port, '127.0.0.1', () => resolve());
    });
    proxy.port = (proxy.#server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** Refuse `nodeId`'s connections from now on, and drop those it has open. */
  cut(nodeId: string): void {
    this.#cut.add(nodeId);
    for (const [socket, link] of this.#open) if (link.dialer === nodeId) this.#drop(socket);
  }

  heal(): void {
    this.#cut.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.#open.keys()) this.#drop(socket);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    const link: { dialer: string | undefined; upstream: net.Socket } = { dialer: undefined, upstream };
    this.#open.set(socket, link);
    let head = Buffer.alloc(0);
    const learn = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length >= 4) {
        const length = head.readUInt32BE(0);
        if (head.length >= 4 + length || head.length > HELLO_BYTES_MAX) {
          const decoded = head.length >= 4 + length ? decodeEnvelope(head.subarray(4, 4 + length)) : undefined;
          if (decoded?.ok && decoded.envelope.body.kind === 'hello') link.dialer = decoded.envelope.body.nodeId;
          socket.off('data', learn);
          if (link.dialer !== undefined && this.#cut.has(link.dialer)) return this.#drop(socket);
          upstream.write(head);
          socket.pipe(upstream);
        }
      }
    };
    socket.on('data', learn);
    upstream.pipe(socket);
    const end = () => this.#drop(socket);
    for (const side of [socket, upstream]) {
      side.on('error', end);
      side.on('close', end);
    }
  }

  #drop(socket: net.Socket): void {
    const link = this.#open.get(socket);
    if (!link) return;
    this.#open.delete(socket);
    socket.destroy();
    link.upstream.destroy();
  }
}
