/**
 * Garbage on a node's peer port while the cluster serves clients (SPEC 3.6: bad input never
 * crashes a node; a peer speaking a future protocol version is refused). Raw TCP connections to
 * one node's peer port send random bytes, a frame declaring 1 GiB, and a well-framed Hello of
 * protocol version 99; each must be dropped (the Hello answered first with ErrorReply VERSION)
 * with a warn line naming the connection, while a steady stream of client reads and writes
 * through all three nodes sees no error at all and every node stays up.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import type Redis from 'ioredis';
import { dynkv } from '../../../src/generated/proto';
import { NodeProcess, eventually } from '../../helpers/node-process';
import { client, closeAll, logRecords, ringMembers, startCluster, waitForRing } from '../../helpers/cluster';

const WARN = 40;
const ERROR = 50;
const GIB = 1024 ** 3;

let nodes: NodeProcess[];

afterAll(async () => {
  await closeAll();
});

/** A raw connection to a peer port: what it received (as frames) and when it closed. */
interface RawPeer {
  readonly socket: net.Socket;
  /** `host:port` of our end, as the node sees (and logs) it. */
  readonly remote: string;
  readonly frames: Buffer[];
  readonly closed: Promise<void>;
}

async function rawPeer(port: number): Promise<RawPeer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const frames: Buffer[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      frames.push(pending.subarray(4, 4 + length));
      pending = pending.subarray(4 + length);
    }
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, remote: `127.0.0.1:${socket.localPort}`, frames, closed };
}

function frame(body: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Resolves when `peer` is closed by the node; fails after `timeoutMs`. */
async function expectClosedBy(peer: RawPeer, what: string, timeoutMs = 8000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the node did not close the connection that sent ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([peer.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wait for a warn line of `node` that names `remote` (field `peer` or the message). */
async function expectWarnNaming(node: NodeProcess, remote: string, what: string): Promise<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  await eventually(() => {
    found = logRecords(node).find((r) => r.level === WARN && (r.peer === remote || String(r.msg).includes(remote)));
    return found !== undefined;
  }, 5000).catch(() => {
    throw new Error(`no warn line naming ${remote} (${what}); warn lines: ${JSON.stringify(logRecords(node).filter((r) => r.level === WARN))}`);
  });
  return found!;
}

/**
 * Clients doing SET then GET of their own keys through every node in turn, until stopped.
 * Resolves with how many round trips completed and every error seen (a wrong value counts).
 */
function steadyTraffic(clients: readonly Redis[], workers: number) {
  let stopped = false;
  let completed = 0;
  const errors: string[] = [];
  const runs = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; !stopped; i++) {
      const key = `traffic:${worker}:${i % 50}`;
      const value = `${worker}-${i}`;
      const writer = clients[i % clients.length]!;
      const reader = clients[(i + 1 + worker) % clients.length]!;
      try {
        await writer.set(key, value);
        const read = await reader.get(key);
        if (read !== value) errors.push(`GET ${key} gave ${read}, expected ${value}`);
        completed++;
      } catch (err) {
        errors.push(`${key}: ${(err as Error).message}`);
      }
    }
  });
  return {
    get completed() {
      return completed;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(runs);
      return { completed, errors };
    },
  };
}

test('random bytes, a 1 GiB frame and a protocol-99 Hello on a peer port are refused while the cluster serves without an error', async () => {
  nodes = await startCluster(3, { args: ['--n', '3', '--r', '2', '--w', '2'] });
  await waitForRing(nodes, 3);
  const target = nodes[1]!;
  const clients = nodes.map(client);

  const traffic = steadyTraffic(clients, 4);
  await eventually(() => traffic.completed >= 50, 10_000);

  // (a) Random bytes, straight away. The first four are read as a length: almost always far
  // over the frame limit (dropped at once); if not, the node waits for a Hello that never comes
  // and drops the connection at the handshake timeout (3 s). Both are warn lines naming us.
  const random = await rawPeer(target.peerPort);
  const randomBytes = crypto.randomBytes(4096);
  random.socket.write(randomBytes);

  // (a') A correct frame around random bytes: the protobuf decoding rejects it.
  const framedRandom = await rawPeer(target.peerPort);
  framedRandom.socket.write(frame(crypto.randomBytes(300)));

  // (b) A length prefix declaring a 1 GiB frame (and a few bytes of it).
  const huge = await rawPeer(target.peerPort);
  const hugeHeader = Buffer.alloc(4);
  hugeHeader.writeUInt32BE(GIB, 0);
  huge.socket.write(Buffer.concat([hugeHeader, Buffer.alloc(1024, 0x41)]));

  // (c) A well-framed Envelope of protocol version 99 carrying a Hello for versions [99, 100].
  const future = await rawPeer(target.peerPort);
  const hello = dynkv.peer.Envelope.encode({
    protocolVersion: 99,
    from: 'node-from-the-future',
    requestId: 0,
    isResponse: false,
    hello: {
      nodeId: 'node-from-the-future',
      versionMin: 99,
      versionMax: 100,
      clusterName: 'dynkv',
      host: '127.0.0.1',
      peerPort: 1,
      clientPort: 2,
    },
  }).finish();
  future.socket.write(frame(hello));

  await Promise.all([
    expectClosedBy(random, `random bytes starting ${randomBytes.subarray(0, 4).toString('hex')}`),
    expectClosedBy(framedRandom, 'a frame of random bytes'),
    expectClosedBy(huge, 'a 1 GiB length prefix'),
    expectClosedBy(future, 'a protocol-99 Hello'),
  ]);

  // The future peer was told why before the node closed: ErrorReply VERSION, as a response.
  expect(future.frames).toHaveLength(1);
  const answer = dynkv.peer.Envelope.decode(future.frames[0]!);
  expect(answer.errorReply?.code).toBe('VERSION');
  expect(answer.errorReply?.message).toMatch(/version/i);
  expect(answer.isResponse).toBe(true);
  expect(answer.protocolVersion).toBeGreaterThanOrEqual(1);
  expect(answer.protocolVersion).toBeLessThan(99);
  // The garbage got no answer at all, just the close.
  expect(random.frames).toEqual([]);
  expect(framedRandom.frames).toEqual([]);
  expect(huge.frames).toEqual([]);

  // One warn line per connection, each naming it.
  await expectWarnNaming(target, random.remote, 'random bytes');
  await expectWarnNaming(target, framedRandom.remote, 'a frame of random bytes');
  const hugeWarning = await expectWarnNaming(target, huge.remote, '1 GiB frame');
  expect(JSON.stringify(hugeWarning)).toContain(String(GIB));
  const futureWarning = await expectWarnNaming(target, future.remote, 'protocol-99 Hello');
  expect(JSON.stringify(futureWarning)).toContain('node-from-the-future');
  expect(futureWarning).toMatchObject({ peerVersionMin: 99, peerVersionMax: 100, code: 'VERSION' });

  // Traffic kept flowing after the garbage, too.
  const afterGarbage = traffic.completed;
  await eventually(() => traffic.completed >= afterGarbage + 50, 10_000);
  const { completed, errors } = await traffic.stop();
  expect(errors).toEqual([]);
  expect(completed).toBeGreaterThanOrEqual(100);

  // Every node is alive, sees all three up, and logged no error.
  for (const node of nodes) {
    expect(node.exitCode).toBeNull();
    expect(node.child?.exitCode).toBeNull();
    const members = await ringMembers(node);
    expect(members.map((m) => m.status)).toEqual(['up', 'up', 'up']);
    expect(logRecords(node).filter((r) => (r.level as number) >= ERROR)).toEqual([]);
  }
  // The target still answers its real peers: a write through it replicates and reads back elsewhere.
  expect(await clients[1]!.set('after-garbage', 'fine')).toBe('OK');
  expect(await clients[0]!.get('after-garbage')).toBe('fine');
  expect(await clients[2]!.get('after-garbage')).toBe('fine');
});
