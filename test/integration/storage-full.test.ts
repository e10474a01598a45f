/**
 * A full store (SPEC 3.6): writes past --max-data-bytes are refused with a clear error, the node
 * keeps serving, data already acknowledged stays readable, deletes still work, and once space is
 * freed writes succeed again.
 */
import Redis from 'ioredis';
import { NodeProcess } from '../helpers/node-process';

let node: NodeProcess;

afterAll(async () => {
  await node?.stop();
});

test('a node at its data limit refuses writes cleanly and recovers when space is freed', async () => {
  node = await NodeProcess.startSingle(['--max-data-bytes', '1mb', '--max-value-bytes', '64kb']);
  const redis = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  try {
    const value = Buffer.alloc(16 * 1024, 1);
    const stored: string[] = [];
    let refusal: Error | undefined;
    let refusedKey = '';
    for (let i = 0; i < 200 && !refusal; i++) {
      try {
        await redis.set(`big:${i}`, value);
        stored.push(`big:${i}`);
      } catch (err) {
        refusal = err as Error;
        refusedKey = `big:${i}`;
      }
    }
    expect(refusal?.message).toMatch(/^ERR write refused, storage full/);
    expect(stored.length).toBeGreaterThan(10);
    // Still serving, and every acknowledged write is intact.
    expect(await redis.ping()).toBe('PONG');
    for (const key of stored) expect((await redis.getBuffer(key))?.equals(value)).toBe(true);
    // The refused write was never acknowledged and must not be readable (not even from a cache).
    expect(await redis.get(refusedKey)).toBeNull();
    // Deleting makes room; then writes succeed again.
    expect(await redis.del(...stored.slice(0, 20))).toBe(20);
    await redis.set('after', value);
    expect((await redis.getBuffer('after'))?.equals(value)).toBe(true);
    expect(node.child!.exitCode).toBeNull();
  } finally {
    redis.disconnect();
  }
});
