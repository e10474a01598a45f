/**
 * Acknowledged writes survive kill -9 and a clean restart; SIGTERM shuts down cleanly, saving the
 * Merkle trees for the next start (after kill -9 they are built from the data).
 */
import net from 'node:net';
import Redis from 'ioredis';
import { NodeProcess, eventually } from '../helpers/node-process';

let node: NodeProcess;

afterEach(async () => {
  await node?.stop();
});

function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
}

test('every acknowledged write is there after kill -9 and restart', async () => {
  node = await NodeProcess.startSingle();
  const redis = connect(node.port);
  const acknowledged: string[] = [];
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 2000; i++) {
    writes.push(redis.set(`key:${i}`, `value:${i}`).then(() => void acknowledged.push(`key:${i}`), () => undefined));
  }
  // Kill once some writes are acknowledged while later ones may still be in flight: only the
  // acknowledged ones must survive.
  await eventually(() => acknowledged.length >= 200, 10_000, 1);
  const snapshot = [...acknowledged];
  expect(snapshot.length).toBeGreaterThan(0);
  await node.kill('SIGKILL');
  redis.disconnect();
  const linesBefore = node.logLines.length;
  await node.restart();
  // No clean stop saved the Merkle trees: this start built them from the data.
  expect(node.logLines.slice(linesBefore).some((line) => line.includes('built the Merkle trees from the data'))).toBe(true);
  const after = connect(node.port);
  try {
    const values = snapshot.length > 0 ? await after.mget(...snapshot) : [];
    snapshot.forEach((key, i) => expect(values[i]).toBe(key.replace('key', 'value')));
    expect(await after.dbsize()).toBeGreaterThanOrEqual(snapshot.length);
  } finally {
    after.disconnect();
  }
});

test('SIGTERM stops the node cleanly and the data is there on restart', async () => {
  node = await NodeProcess.startSingle();
  const redis = connect(node.port);
  await redis.set('persist-me', 'yes');
  await redis.call('VSET', 'v', 'one');
  await redis.call('VSET', 'v', 'two');
  redis.disconnect();
  expect(await node.kill('SIGTERM')).toBe(0);
  expect(node.logLines.some((line) => line.includes('dynkv node stopped'))).toBe(true);
  const linesBefore = node.logLines.length;
  await node.restart();
  // The clean stop saved the Merkle trees: this start loaded them instead of building them.
  expect(node.logLines.slice(linesBefore).some((line) => line.includes('built the Merkle trees'))).toBe(false);
  const after = connect(node.port);
  try {
    expect(await after.get('persist-me')).toBe('yes');
    const [, siblings] = (await after.call('VGET', 'v')) as [string, string[]];
    expect([...siblings].sort()).toEqual(['one', 'two']);
  } finally {
    after.disconnect();
  }
});

test('SIGTERM with idle clients connected: each is closed at once, not after the drain timeout', async () => {
  node = await NodeProcess.startSingle();
  const sockets = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise<net.Socket>((resolve) => {
          const socket = net.connect(node.port, '127.0.0.1', () => resolve(socket));
        }),
    ),
  );
  const ended = sockets.map((socket) => new Promise<void>((resolve) => socket.on('close', () => resolve())));
  for (const socket of sockets) {
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  }
  sockets[0].write('PING\r\n');
  const startedMs = Date.now();
  expect(await node.kill('SIGTERM')).toBe(0);
  await Promise.all(ended);
  // DRAIN_TIMEOUT_MS (5 s) is for clients that do not take their replies; idle ones go at once.
  expect(Date.now() - startedMs).toBeLessThan(3000);
});
