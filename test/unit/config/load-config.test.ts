import { ConfigError, loadConfig } from '../../../src/config/load-config';

const noFile = () => {
  throw new Error('ENOENT: no such file');
};

function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  return loadConfig({ argv, env, readFile: (path) => (path in files ? files[path] : noFile()) });
}

test('defaults follow SPEC section 1', () => {
  const config = load([]);
  expect(config).toMatchObject({ host: '127.0.0.1', port: 6379, peerPort: 16379, dataDir: './data/6379', n: 3, r: 2, w: 2, partitions: 64, requestTimeoutMs: 1000, maxValueBytes: 8 * 1024 * 1024, logLevel: 'info', durability: 'commit' });
  expect(config.nodeId).toBeUndefined();
  expect(config.seeds).toEqual([]);
});

test('peer port and data dir follow the client port', () => {
  expect(load(['--port', '7000'])).toMatchObject({ peerPort: 17000, dataDir: './data/7000' });
  expect(load(['--port=7000', '--peer-port=9000'])).toMatchObject({ port: 7000, peerPort: 9000 });
});

test('precedence: flag > env > file > default', () => {
  const files = { '/c.json': JSON.stringify({ port: 1000, n: 1, r: 1, w: 1, logLevel: 'warn', seeds: ['a:1', 'b:2'] }) };
  const env = { DYNKV_PORT: '2000', DYNKV_LOG_LEVEL: 'debug' };
  const config = load(['--config', '/c.json', '--port', '3000'], env, files);
  expect(config).toMatchObject({ port: 3000, logLevel: 'debug', n: 1, seeds: ['a:1', 'b:2'] });
  expect(load(['--config', '/c.json'], env, files).port).toBe(2000);
  expect(load(['--config', '/c.json'], {}, files).port).toBe(1000);
  expect(load([], { DYNKV_CONFIG: '/c.json' }, files).port).toBe(1000);
});

test('sizes take units', () => {
  expect(load(['--max-value-bytes', '1mb']).maxValueBytes).toBe(1024 * 1024);
  expect(load(['--max-value-bytes', '512']).maxValueBytes).toBe(512);
  expect(load(['--max-data-bytes', '2gb']).maxDataBytes).toBe(2 * 1024 ** 3);
});

test.each([
  [['--port', '0'], '--port must be at least 1, got 0'],
  [['--port', '1.5'], "--port must be an integer, got '1.5'"],
  [['--r', '4'], '--r 4 is larger than --n 3'],
  [['--seeds', 'nohost'], "--seeds entry 'nohost' must be host:peerPort"],
  [['--durability', 'maybe'], "--durability must be one of fsync, commit, got 'maybe'"],
  [['--node-id', 'has space'], "--node-id 'has space' must be 1-64 characters of letters, digits, '.', '_' or '-'"],
  [['--port'], "option '--port' needs a value"],
  [['port'], "unexpected argument 'port'"],
  [['--max-value-bytes', '1tb'], "--max-value-bytes must be a size like 8mb, got '1tb'"],
])('%j is refused: %s', (argv, message) => {
  expect(() => load(argv)).toThrow(new ConfigError(message));
});

test('config file problems are named', () => {
  expect(() => load(['--config', '/missing.json'])).toThrow(/cannot read config file \/missing.json/);
  expect(() => load(['--config', '/bad.json'], {}, { '/bad.json': '{' })).toThrow(/is not valid JSON/);
  expect(() => load(['--config', '/arr.json'], {}, { '/arr.json': '[]' })).toThrow(/must hold a JSON object/);
  expect(() => load(['--config', '/u.json'], {}, { '/u.json': '{"colour": 1}' })).toThrow(/unknown option 'colour'/);
});
