/**
 * Real TcpTransports on loopback: requests and responses, multiplexing, timeouts, handler
 * errors, backoff against a dead peer, reconnection after a restart, limits, and a hostile or
 * incompatible peer (garbage, oversized frame, a future protocol version) that must be dropped
 * while a good peer keeps being served. Real time, so timings are short and bounds generous.
 */
import bunyan from 'bunyan';
import net from 'node:net';
import type { RequestBody, ResponseBody } from '../../../src/peer/bodies';
import { decodeEnvelope, type Envelope } from '../../../src/peer/codec';
import { FrameDecoder } from '../../../src/peer/frame-decoder';
import { encodeFrame } from '../../../src/peer/frame-encoder';
import { TcpTransport, type TcpTransportOptions } from '../../../src/peer/tcp-transport';
import { PeerError, type PeerAddress } from '../../../src/peer/transport';
import { SystemClock } from '../../../src/lib/clock';
import { SUPPORTED_VERSIONS } from '../../../src/peer/handshake';
import { createSilentLogger } from '../../../src/lib/log';
import { SystemRandom } from '../../../src/lib/random';
import { freePort } from '../../helpers/free-port';

const FRAME_BYTES_MAX = 64 * 1024;
const clock = new SystemClock();
const random = new SystemRandom();
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let nodes = 0;

async function startTransport(overrides: Partial<TcpTransportOptions> = {}, serve = true): Promise<TcpTransport> {
  const transport = new TcpTransport({
    nodeId: `node-${++nodes}`,
    clusterName: 'test',
    host: '127.0.0.1',
    peerPort: overrides.peerPort ?? (await freePort()),
    clientPort: 6379,
    frameBytesMax: FRAME_BYTES_MAX,
    limits: { backoff: { baseMs: 50, maxMs: 200 }, handshakeTimeoutMs: 1000, closeGraceMs: 200 },
    clock,
    random,
    logger: createSilentLogger(),
    ...overrides,
  });
  await transport.listen();
  if (serve) transport.serve(handler);
  cleanups.push(() => transport.close());
  return transport;
}

const seenFrom: string[] = [];

/** ping → pong; gossip echoes; keys 'hang', 'boom', 'throw', 'big' misbehave on purpose. */
function handler(from: string, body: RequestBody): Promise<ResponseBody> {
  seenFrom.push(from);
  if (body.kind === 'ping') return Promise.resolve({ kind: 'pong' });
  if (body.kind === 'gossipPush') return Promise.resolve({ kind: 'gossipReply', state: body.state });
  if (body.kind === 'replicaRead') {
    const key = body.key.toString();
    if (key === 'hang') return new Promise(() => undefined);
    if (key === 'boom') return Promise.reject(new Error('boom'));
    if (key === 'throw') throw new Error('thrown synchronously');
    if (key === 'big') return Promise.resolve({ kind: 'replicaReadReply', record: Buffer.alloc(FRAME_BYTES_MAX), found: true });
  }
  return Promise.resolve({ kind: 'errorReply', code: 'BAD_REQUEST', message: 'unexpected' });
}

const address = (transport: TcpTransport): PeerAddress => ({ host: '127.0.0.1', port: transport.port as number });
const read = (key: string): RequestBody => ({ kind: 'replicaRead', key: Buffer.from(key), partition: 0, hintFor: '' });

async function peerError(promise: Promise<unknown>): Promise<PeerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PeerError);
    return err as PeerError;
  }
  throw new Error('expected a PeerError');
}

/** A hand-driven socket to a transport: what a broken or foreign peer would do. */
async function rawPeer(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  const envelopes: Envelope[] = [];
  const decoder = new FrameDecoder({
    frameBytesMax: FRAME_BYTES_MAX,
    onFrame: (frame) => {
      const result = decodeEnvelope(frame);
      if (result.ok) envelopes.push(result.envelope);
    },
    onError: () => undefined,
  });
  socket.on('data', (chunk: Buffer) => decoder.feed(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  cleanups.push(() => void socket.destroy());
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, envelopes, closed };
}

function capturingLogger() {
  const ring = new bunyan.RingBuffer({ limit: 1000 });
  const logger = bunyan.createLogger({ name: 'test', streams: [{ type: 'raw', level: 'trace', stream: ring }] });
  return { logger, records: () => ring.records as Array<Record<string, unknown>> };
}

/** Ping the transport every few ms until stopped; any failure fails the test. */
function keepPinging(from: TcpTransport, to: TcpTransport) {
  let stopped = false;
  let answered = 0;
  const done = (async () => {
    while (!stopped) {
      expect(await from.request(address(to), { kind: 'ping' }, 2000)).toEqual({ kind: 'pong' });
      answered++;
      await sleep(2);
    }
  })();
  return async () => {
    stopped = true;
    await done;
    return answered;
  };
}

describe('TcpTransport', () => {
  it('answers requests and tells the handler who asked', async () => {
    const [a, b] = await Promise.all([startTransport({ nodeId: 'alpha' }), startTransport({ nodeId: 'beta' })]);
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
    const state = Buffer.from('members');
    expect(await b.request(address(a), { kind: 'gossipPush', state }, 1000)).toEqual({ kind: 'gossipReply', state, flushGeneration: 0 });
    expect(await a.request(address(b), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
    expect(seenFrom.slice(-3)).toEqual(['beta', 'beta', 'alpha']);
  });

  it('multiplexes 1000 concurrent requests on one connection', async () => {
    const [a, b] = await Promise.all([startTransport(), startTransport()]);
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => b.request(address(a), { kind: 'gossipPush', state: Buffer.from(`state-${i}`) }, 5000)),
    );
    replies.forEach((reply, i) => expect(reply).toEqual({ kind: 'gossipReply', state: Buffer.from(`state-${i}`), flushGeneration: 0 }));
    expect(b.stats.connectAttempts).toBe(1);
    expect(a.stats.inboundAccepted).toBe(1);
  });

  it('times out a request the handler never answers, and keeps the connection', async () => {
    const [a, b] = await Promise.all([startTransport(), startTransport()]);
    const started = performance.now();
    const error = await peerError(b.request(address(a), read('hang'), 100));
    expect(error.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
    expect(b.stats.connectAttempts).toBe(1);
  });

  it('turns handler errors into ErrorReply INTERNAL', async () => {
    const [a, b] = await Promise.all([startTransport(), startTransport()]);
    expect(await b.request(address(a), read('boom'), 1000)).toEqual({ kind: 'errorReply', code: 'INTERNAL', message: 'boom' });
    expect(await b.request(address(a), read('throw'), 1000)).toEqual({ kind: 'errorReply', code: 'INTERNAL', message: 'thrown synchronously' });
    // A response over frameBytesMax would make the peer drop the connection: refused instead.
    const big = await b.request(address(a), read('big'), 1000);
    expect(big).toMatchObject({ kind: 'errorReply', code: 'INTERNAL', message: expect.stringMatching(/over frameBytesMax/) });
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
  });

  it('answers UNAVAILABLE before serve() is called', async () => {
    const [a, b] = await Promise.all([startTransport({}, false), startTransport()]);
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toMatchObject({ kind: 'errorReply', code: 'UNAVAILABLE' });
  });

  it('fails fast with UNREACHABLE while a dead peer is in backoff', async () => {
    const b = await startTransport();
    const dead = { host: '127.0.0.1', port: await freePort() };
    expect((await peerError(b.request(dead, { kind: 'ping' }, 1000))).code).toBe('UNREACHABLE');
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const error = await peerError(b.request(dead, { kind: 'ping' }, 1000));
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toMatch(/next in \d+ ms/);
    }
    expect(performance.now() - started).toBeLessThan(500); // 20 timeouts would take 20 s; a busy machine may still take a while
    expect(b.stats.connectAttempts).toBe(1);
    // A malformed address (gossip could carry one) fails the request, not the node.
    const malformed = await peerError(b.request({ host: '127.0.0.1', port: 70000 }, { kind: 'ping' }, 1000));
    expect([malformed.code, malformed.message]).toEqual(['UNREACHABLE', expect.stringMatching(/cannot dial/)]);
  });

  it('makes at most one connect attempt per backoff step', async () => {
    // A peer that accepts and hangs up at once: every attempt fails, and each one is counted.
    let accepted = 0;
    const server = net.createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const b = await startTransport();
    const dead = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
    const codes = new Set<string>();
    const until = performance.now() + 1000;
    let requests = 0;
    while (performance.now() < until) {
      codes.add((await peerError(b.request(dead, { kind: 'ping' }, 1000))).code);
      requests++;
      await sleep(2);
    }
    // Steps (base 50, max 200, equal jitter): >= 25, 50, 100, 100, ... ms apart: at most ~12 in 1 s.
    expect(requests).toBeGreaterThan(50);
    expect(b.stats.connectAttempts).toBeGreaterThanOrEqual(4);
    expect(b.stats.connectAttempts).toBeLessThanOrEqual(12);
    expect(accepted).toBeLessThanOrEqual(b.stats.connectAttempts);
    expect([...codes]).toEqual(['UNREACHABLE']);
  });

  it('reconnects to a peer that restarted on the same port', async () => {
    const a = await startTransport();
    const b = await startTransport();
    const port = a.port as number;
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
    await a.close();
    expect(['CLOSED', 'UNREACHABLE']).toContain((await peerError(b.request({ host: '127.0.0.1', port }, { kind: 'ping' }, 1000))).code);
    await startTransport({ peerPort: port });
    let reply: ResponseBody | undefined;
    const until = performance.now() + 3000;
    while (reply === undefined && performance.now() < until) {
      reply = await b.request({ host: '127.0.0.1', port }, { kind: 'ping' }, 1000).catch(() => sleep(20).then(() => undefined));
    }
    expect(reply).toEqual({ kind: 'pong' });
    expect(b.stats.connectAttempts).toBeGreaterThanOrEqual(2);
  });

  it('drops a peer that sends garbage, and keeps serving a good peer', async () => {
    const { logger, records } = capturingLogger();
    const a = await startTransport({ logger });
    const b = await startTransport();
    const stopPinging = keepPinging(b, a);
    const http = await rawPeer(a.port as number);
    http.socket.write('GET / HTTP/1.1\r\nHost: dynkv\r\n\r\n');
    await http.closed;
    const undecodable = await rawPeer(a.port as number);
    undecodable.socket.write(Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff]));
    await undecodable.closed;
    const oversized = await rawPeer(a.port as number);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(FRAME_BYTES_MAX + 1, 0);
    oversized.socket.write(header);
    await oversized.closed;
    await sleep(30);
    expect(await stopPinging()).toBeGreaterThan(0);
    expect(a.stats.inboundProtocolErrors).toBe(3);
    const warnings = records().filter((record) => record.level === bunyan.WARN).map((record) => String(record.msg));
    expect(warnings.filter((msg) => /^dropping connection from 127\.0\.0\.1:\d+: protocol error/.test(msg))).toHaveLength(3);
    expect(warnings.some((msg) => /over frameBytesMax/.test(msg))).toBe(true);
  });

  it('refuses a peer speaking only future versions, logs both ranges, keeps serving', async () => {
    const { logger, records } = capturingLogger();
    const a = await startTransport({ logger });
    const b = await startTransport();
    const stopPinging = keepPinging(b, a);
    const future = await rawPeer(a.port as number);
    const hello = { kind: 'hello', nodeId: 'node-future', versionMin: 99, versionMax: 100, clusterName: 'test', host: '10.9.9.9', peerPort: 16400, clientPort: 6400 } as const;
    future.socket.write(encodeFrame({ protocolVersion: 100, from: 'node-future', requestId: 0, body: hello }));
    await future.closed;
    await sleep(30);
    expect(await stopPinging()).toBeGreaterThan(0);
    expect(future.envelopes).toHaveLength(1);
    expect(future.envelopes[0].body).toMatchObject({ kind: 'errorReply', code: 'VERSION' });
    const refusal = records().find((record) => record.level === bunyan.WARN && record.code === 'VERSION');
    expect(refusal).toMatchObject({ peerNodeId: 'node-future', peerVersionMin: 99, peerVersionMax: 100, versionMin: SUPPORTED_VERSIONS.min, versionMax: SUPPORTED_VERSIONS.max });
    expect(String(refusal?.msg)).toMatch(/refusing peer node-future at 127\.0\.0\.1:\d+ \(advertised 10\.9\.9\.9:16400\): no common protocol version/);
  });

  it('fails requests with PROTOCOL when the peer answers garbage', async () => {
    // Something else listens on the peer port: it answers our Hello with HTTP.
    const server = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { logger, records } = capturingLogger();
    const b = await startTransport({ logger });
    const error = await peerError(b.request({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }, { kind: 'ping' }, 1000));
    expect([error.code, error.message]).toEqual(['PROTOCOL', expect.stringMatching(/over frameBytesMax/)]);
    expect(records().some((record) => record.level === bunyan.WARN && /^dropping connection to peer 127\.0\.0\.1:\d+: protocol error/.test(String(record.msg)))).toBe(true);
  });

  it('refuses a first message that is not Hello', async () => {
    const a = await startTransport();
    const raw = await rawPeer(a.port as number);
    raw.socket.write(encodeFrame({ protocolVersion: 1, from: 'x', requestId: 1, body: { kind: 'ping' } }));
    await raw.closed;
    expect(raw.envelopes.map((envelope) => envelope.body)).toMatchObject([{ kind: 'errorReply', code: 'BAD_REQUEST' }]);
    expect(a.stats.inboundProtocolErrors).toBe(1);
  });

  it('reports a refused handshake as REFUSED, then backs off', async () => {
    const a = await startTransport();
    const { min, max } = SUPPORTED_VERSIONS;
    const newer = await startTransport({ versions: { min: max + 1, max: max + 2 } });
    const otherCluster = await startTransport({ clusterName: 'elsewhere' });
    const version = await peerError(newer.request(address(a), { kind: 'ping' }, 1000));
    expect(version.code).toBe('REFUSED');
    expect(version.message).toMatch(new RegExp(`handshake refused: VERSION no common protocol version: node node-\\d+ speaks \\[${min}, ${max}\\], node node-\\d+ speaks \\[${max + 1}, ${max + 2}\\]`));
    expect((await peerError(newer.request(address(a), { kind: 'ping' }, 1000))).code).toBe('UNREACHABLE');
    expect((await peerError(otherCluster.request(address(a), { kind: 'ping' }, 1000))).message).toMatch(/CLUSTER/);
  });

  it('refuses requests beyond pendingRequestsMax and over frameBytesMax', async () => {
    const a = await startTransport();
    const b = await startTransport({ limits: { pendingRequestsMax: 10 } });
    const hanging = Array.from({ length: 10 }, () => b.request(address(a), read('hang'), 300).catch((err: PeerError) => err.code));
    expect((await peerError(b.request(address(a), { kind: 'ping' }, 300))).message).toMatch(/pendingRequestsMax/);
    expect(await Promise.all(hanging)).toEqual(Array(10).fill('TIMEOUT'));
    const huge = { kind: 'gossipPush', state: Buffer.alloc(FRAME_BYTES_MAX) } as const;
    const tooLarge = await peerError(b.request(address(a), huge, 1000));
    expect([tooLarge.code, tooLarge.message]).toEqual(['REFUSED', expect.stringMatching(/over frameBytesMax/)]);
    expect(await b.request(address(a), { kind: 'ping' }, 1000)).toEqual({ kind: 'pong' });
  });

  it('close() fails pending requests with CLOSED, on both ends', async () => {
    const a = await startTransport();
    const b = await startTransport();
    const c = await startTransport();
    const pendingOnB = peerError(b.request(address(a), read('hang'), 5000));
    const pendingOnC = peerError(c.request(address(a), read('hang'), 5000));
    await sleep(50);
    await b.close();
    expect((await pendingOnB).code).toBe('CLOSED');
    expect((await peerError(b.request(address(a), { kind: 'ping' }, 1000))).code).toBe('CLOSED');
    await a.close(); // the server side going away fails C's request too
    expect((await pendingOnC).code).toBe('CLOSED');
  });

  it('rejects listen() on a port in use with a readable message', async () => {
    const a = await startTransport();
    const clash = new TcpTransport({
      nodeId: 'clash', clusterName: 'test', host: '127.0.0.1', peerPort: a.port as number, clientPort: 6379,
      frameBytesMax: FRAME_BYTES_MAX, clock, random, logger: createSilentLogger(),
    });
    await expect(clash.listen()).rejects.toThrow(`peer port 127.0.0.1:${a.port} is already in use`);
    await clash.close();
  });
});
