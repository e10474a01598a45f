/** node-redis 5 (the `redis` package) in RESP2 and RESP3 modes. */
import { createClient } from 'redis';
import { NodeProcess } from '../helpers/node-process';

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.startSingle();
});

afterAll(async () => {
  await node?.stop();
});

test.each([2, 3] as const)('RESP%i: strings, counters, expiry, versioned commands', async (RESP) => {
  const client = createClient({ socket: { host: '127.0.0.1', port: node.port, reconnectStrategy: false }, RESP });
  await client.connect();
  try {
    const prefix = `r${RESP}:`;
    expect(await client.set(`${prefix}k`, 'v')).toBe('OK');
    expect(await client.get(`${prefix}k`)).toBe('v');
    expect(await client.incrBy(`${prefix}n`, 5)).toBe(5);
    expect(await client.mGet([`${prefix}k`, `${prefix}none`])).toEqual(['v', null]);
    expect(await client.expire(`${prefix}k`, 100)).toBe(1);
    expect(await client.ttl(`${prefix}k`)).toBeGreaterThan(95);
    expect(await client.del([`${prefix}k`, `${prefix}n`])).toBe(2);
    await client.sendCommand(['VSET', `${prefix}v`, 'a']);
    await client.sendCommand(['VSET', `${prefix}v`, 'b']);
    const [context, siblings] = (await client.sendCommand(['VGET', `${prefix}v`])) as [string, string[]];
    expect([...siblings].sort()).toEqual(['a', 'b']);
    await client.sendCommand(['VSET', `${prefix}v`, 'ab', 'CONTEXT', context]);
    expect(await client.get(`${prefix}v`)).toBe('ab');
    expect(await client.info('server')).toContain('redis_version:');
    await expect(client.sendCommand(['GET'])).rejects.toThrow("ERR wrong number of arguments for 'get' command");
  } finally {
    client.destroy();
  }
});
