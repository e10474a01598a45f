/** The real redis-cli against a node: the "done when" walk-through, inline commands and RESP3. */
import net from 'node:net';
import { NodeProcess } from '../helpers/node-process';
import { redisCli } from '../helpers/redis-cli';

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.startSingle();
});

afterAll(async () => {
  await node?.stop();
});

test('SET/GET, siblings from VSET, a context that resolves them, a bad context refused', async () => {
  expect(await redisCli(node.port, ['SET', 'greeting', 'hello'])).toBe('OK');
  expect(await redisCli(node.port, ['GET', 'greeting'])).toBe('hello');
  await redisCli(node.port, ['VSET', 'cart', 'milk']);
  await redisCli(node.port, ['VSET', 'cart', 'eggs']);
  const [context, ...siblings] = (await redisCli(node.port, ['--no-raw', 'VGET', 'cart'])).split('\n');
  expect(siblings.join('\n')).toMatch(/"milk"/);
  expect(siblings.join('\n')).toMatch(/"eggs"/);
  const raw = (await redisCli(node.port, ['VGET', 'cart'])).split('\n');
  expect(raw.slice(1).sort()).toEqual(['eggs', 'milk']);
  expect(context).toMatch(/^1\) "/);
  await redisCli(node.port, ['VSET', 'cart', 'milk,eggs', 'CONTEXT', raw[0]]);
  expect((await redisCli(node.port, ['VGET', 'cart'])).split('\n').slice(1)).toEqual(['milk,eggs']);
  expect(await redisCli(node.port, ['VSET', 'cart', 'x', 'CONTEXT', '%%%'])).toMatch(/^ERR invalid context/);
});

test('commands typed at redis-cli\'s prompt (stdin) and RESP3 with -3', async () => {
  const out = await redisCli(node.port, [], 'SET a 1\nINCR a\nGET a\nPING\n');
  expect(out.split('\n')).toEqual(['OK', '2', '2', 'PONG']);
  expect(await redisCli(node.port, ['-3', 'HELLO', '3'])).toContain('proto');
  expect(await redisCli(node.port, ['-3', 'GET', 'a'])).toBe('2');
});

test('inline commands as telnet and PING_INLINE send them, mixed with RESP', async () => {
  const reply = await rawExchange(node.port, 'PING\r\nSET "inline key" \'x y\'\r\n*2\r\n$3\r\nGET\r\n$10\r\ninline key\r\nECHO "a\\x41b"\r\n', 4);
  expect(reply).toBe('+PONG\r\n+OK\r\n$3\r\nx y\r\n$3\r\naAb\r\n');
});

test('a protocol error answers in Redis wording and closes only that connection', async () => {
  const reply = await rawExchange(node.port, '*1\r\n$abc\r\n', 1, true);
  expect(reply).toMatch(/^-ERR Protocol error: invalid bulk length\r\n$/);
  expect(await redisCli(node.port, ['PING'])).toBe('PONG');
});

test('QUIT in a pipeline: earlier replies, then +OK, then the close; later commands never run', async () => {
  const reply = await rawExchange(node.port, 'SET quit:a 1\r\nQUIT\r\nSET quit:b 2\r\nPING\r\n', 0, true);
  expect(reply).toBe('+OK\r\n+OK\r\n');
  expect(await redisCli(node.port, ['EXISTS', 'quit:a', 'quit:b'])).toBe('1');
});

test('a pipeline mixing writes and reads of one key answers in order and reads its own writes', async () => {
  const request = 'SET order:k 1\r\nGET order:k\r\nINCR order:n\r\nSET order:k 2\r\nGET order:k\r\nPING\r\nGET order:missing\r\nINCR order:n\r\n';
  const reply = await rawExchange(node.port, request, 8);
  expect(reply).toBe('+OK\r\n$1\r\n1\r\n:1\r\n+OK\r\n$1\r\n2\r\n+PONG\r\n$-1\r\n:2\r\n');
});

/** Send raw bytes; resolve what came back after `replies` lines of top level or the close. */
function rawExchange(port: number, request: string, replies: number, untilClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 3000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!untilClose && countTopLevel(received) >= replies) {
        clearTimeout(timer);
        socket.end();
        resolve(received);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

/** Top-level replies in a string of simple replies and bulk strings (enough for these tests). */
function countTopLevel(text: string): number {
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const end = text.indexOf('\r\n', i);
    if (end === -1) break;
    if (text[i] === '$') {
      const length = Number(text.slice(i + 1, end));
      i = end + 2 + (length >= 0 ? length + 2 : 0);
    } else i = end + 2;
    if (i <= text.length) count++;
  }
  return count;
}

test('a pipeline past pendingRepliesPause: reading pauses and resumes, every reply arrives in order', async () => {
  // 20,000 commands in one write, replies read only once all are sent: the connection owes more
  // than pendingRepliesPause (4096) replies, stops reading, and starts again as they drain.
  const count = 20_000;
  const commands = Array.from({ length: count }, (_, i) => `*2\r\n$4\r\nECHO\r\n$${String(i).length}\r\n${i}\r\n`).join('');
  const expected = Array.from({ length: count }, (_, i) => `$${String(i).length}\r\n${i}\r\n`).join('');
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(node.port, '127.0.0.1', () => socket.write(commands));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.length >= expected.length) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', reject);
  });
  expect(reply).toBe(expected);
  expect(await redisCli(node.port, ['PING'])).toBe('PONG');
});
