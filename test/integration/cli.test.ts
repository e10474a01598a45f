/** `dynkv start` refuses bad set-ups with one clear line on stderr and a non-zero exit. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../helpers/free-port';
import { NodeProcess } from '../helpers/node-process';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dynkv.js');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

/** Temporary directories this file made: removed when it is done, so runs leave nothing behind. */
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-cli-'));
  tempDirs.push(dir);
  return dir;
}

test.each([
  [['start', '--bogus', '1'], /^dynkv: unknown option '--bogus'/],
  [['start', '--port', 'abc'], /^dynkv: --port must be an integer, got 'abc'/],
  [['start', '--port', '70000'], /^dynkv: --port must be at most 65535/],
  [['start', '--n', '1', '--r', '1', '--w', '2'], /^dynkv: --w 2 is larger than --n 1/],
  [['start', '--log-level', 'loud'], /^dynkv: --log-level must be one of/],
  [['start', '--config', '/nonexistent/dynkv.json'], /^dynkv: cannot read config file/],
  [['frobnicate'], /^dynkv: unknown command 'frobnicate'/],
])('%j is refused', async (args, message) => {
  const { code, stderr } = await run(args as string[]);
  expect(code).not.toBe(0);
  expect(stderr).toMatch(message as RegExp);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});

test('an unusable data dir is refused', async () => {
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'not a directory');
  const { code, stderr } = await run(['start', '--port', String(await freePort()), '--data', file, '--n', '1', '--r', '1', '--w', '1']);
  expect(code).not.toBe(0);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^dynkv: .*a-file/);
});

test('a port in use is refused', async () => {
  const blocker = net.createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
  try {
    const { code, stderr } = await run(['start', '--port', String(port), '--data', tempDir(), '--n', '1', '--r', '1', '--w', '1']);
    expect(code).not.toBe(0);
    expect(stderr).toBe(`dynkv: port 127.0.0.1:${port} is already in use\n`);
  } finally {
    blocker.close();
  }
});

test('--help lists the options; --version prints the version', async () => {
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  for (const flag of ['--port', '--peer-port', '--data', '--node-id', '--seeds', '--n', '--partitions', '--max-value-bytes']) expect(help.stdout).toContain(flag);
  expect((await run(['--version'])).stdout).toMatch(/^dynkv \d+\.\d+\.\d+/);
});

test('flag beats env beats config file', async () => {
  const dir = tempDir();
  const configFile = path.join(dir, 'dynkv.json');
  fs.writeFileSync(configFile, JSON.stringify({ n: 1, r: 1, w: 1, maxValueBytes: 100, partitions: 8 }));
  const node = await NodeProcess.start({ args: ['--config', configFile, '--max-value-bytes', '300'], env: { DYNKV_MAX_VALUE_BYTES: '200', DYNKV_PARTITIONS: '16' } });
  const redis = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  try {
    expect(await redis.config('GET', 'max-value-bytes')).toEqual(['max-value-bytes', '300']);
    expect(await redis.config('GET', 'partitions')).toEqual(['partitions', '16']);
    expect(await redis.config('GET', 'n')).toEqual(['n', '1']);
  } finally {
    redis.disconnect();
    await node.stop();
  }
});

test('a data dir keeps its node id and refuses another', async () => {
  const node = await NodeProcess.startSingle(['--node-id', 'alpha']);
  await node.kill('SIGTERM');
  const { code, stderr } = await run(['start', '--port', String(await freePort()), '--data', node.dataDir, '--node-id', 'beta', '--n', '1', '--r', '1', '--w', '1']);
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/data dir belongs to node 'alpha', not 'beta'/);
  await node.stop();
});
