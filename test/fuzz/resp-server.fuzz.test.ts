/**
 * Random, truncated and mutated RESP thrown at a real node over many connections: the node never
 * crashes, keeps serving a well-behaved client throughout, and keeps that client's data intact.
 * Seeded, so a failure can be replayed (the seed is printed).
 */
import net from 'node:net';
import Redis from 'ioredis';
import { SeededRandom } from '../../src/lib/random';
import { NodeProcess } from '../helpers/node-process';

const CONNECTIONS = 150;
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.startSingle(['--max-value-bytes', '64kb']);
});

afterAll(async () => {
  await node?.stop();
});

const VALID = [
  '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n',
  '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n',
  '*1\r\n$4\r\nPING\r\n',
  'PING\r\n',
  '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n',
  '*3\r\n$4\r\nVSET\r\n$1\r\nv\r\n$1\r\nx\r\n',
  '*2\r\n$4\r\nVGET\r\n$1\r\nv\r\n',
  '*5\r\n$4\r\nVSET\r\n$1\r\nv\r\n$1\r\nx\r\n$7\r\nCONTEXT\r\n$4\r\n!!!!\r\n',
];

function payload(random: SeededRandom): Buffer {
  switch (random.int(6)) {
    case 0:
      return random.bytes(1 + random.int(512));
    case 1: {
      const valid = Buffer.from(VALID[random.int(VALID.length)]);
      return valid.subarray(0, random.int(valid.length));
    }
    case 2: {
      const valid = Buffer.from(VALID.map((v) => v).join(''));
      for (let i = 0; i < 4; i++) valid[random.int(valid.length)] = random.int(256);
      return valid;
    }
    case 3:
      return Buffer.from(`*${random.int(3) === 0 ? -5 : 2 ** 31}\r\n`);
    case 4:
      return Buffer.from(`*1\r\n$${[2 ** 40, -2, 'x', 70000 * 1024][random.int(4)]}\r\n`);
    default:
      return Buffer.from(`${'A'.repeat(70 * 1024)}\r\n`);
  }
}

function sendAndClose(port: number, data: Buffer, random: SeededRandom): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.on('data', () => undefined);
    socket.on('connect', () => {
      // Split the payload at a random point to exercise partial frames.
      const cut = random.int(data.length + 1);
      socket.write(data.subarray(0, cut));
      socket.write(data.subarray(cut), () => (random.int(2) === 0 ? socket.end() : socket.destroy()));
    });
    setTimeout(() => socket.destroy(), 1000);
  });
}

test(`fuzzed connections never take the node down (seed ${SEED})`, async () => {
  const random = new SeededRandom(SEED);
  const control = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  try {
    await control.set('control', '0');
    for (let round = 0; round < CONNECTIONS / 10; round++) {
      await Promise.all(Array.from({ length: 10 }, () => sendAndClose(node.port, payload(random), random)));
      expect(await control.incr('control')).toBe(round + 1);
    }
    expect(await control.get('control')).toBe(String(CONNECTIONS / 10));
    expect(node.child!.exitCode).toBeNull();
    expect(Number((await control.info('stats')).match(/total_connections_received:(\d+)/)![1])).toBeGreaterThan(CONNECTIONS);
  } finally {
    control.disconnect();
  }
});
