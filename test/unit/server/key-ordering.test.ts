import { KeyOrdering } from '../../../src/server/key-ordering';

const key = (text: string) => Buffer.from(text);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('nothing to wait for when no command is in flight', () => {
  const ordering = new KeyOrdering();
  expect(ordering.waitFor([key('a')])).toBeUndefined();
});

test('a command waits for unfinished commands on the same key only', async () => {
  const ordering = new KeyOrdering();
  const first = deferred();
  const second = deferred();
  ordering.started([key('a')], first.promise);
  ordering.started([key('b'), key('c')], second.promise);
  expect(ordering.waitFor([key('a')])).toEqual([first.promise]);
  expect(ordering.waitFor([key('c'), key('z')])).toEqual([second.promise]);
  expect(ordering.waitFor([key('z')])).toBeUndefined();
  first.resolve();
  await tick();
  expect(ordering.waitFor([key('a')])).toBeUndefined();
  expect(ordering.unsettled).toBe(1);
  second.resolve();
  await tick();
  expect(ordering.unsettled).toBe(0);
  expect(ordering.waitFor([key('b')])).toBeUndefined();
});

test('the latest command on a key is the one waited for', async () => {
  const ordering = new KeyOrdering();
  const older = deferred();
  const newer = deferred();
  ordering.started([key('k')], older.promise);
  expect(ordering.waitFor([key('k')])).toEqual([older.promise]);
  ordering.started([key('k')], newer.promise);
  expect(ordering.waitFor([key('k')])).toEqual([newer.promise]);
  older.resolve();
  await tick();
  // The newer one is still unfinished and still guards the key.
  expect(ordering.waitFor([key('k')])).toEqual([newer.promise]);
  newer.resolve();
  await tick();
});

test('a deep pipeline of distinct keys is checked in linear time', async () => {
  // Compared with a pipeline ten times shorter, not with a wall-clock bound, so a busy machine
  // slows both alike: linear is ~10x, the quadratic scan this guards against is ~100x. The best
  // of three runs of each size keeps a burst of other load out of the ratio.
  const fill = async (depth: number): Promise<number> => {
    const ordering = new KeyOrdering();
    const gate = deferred();
    const started = performance.now();
    for (let i = 0; i < depth; i++) {
      const k = [key(`k${i}`)];
      expect(ordering.waitFor(k)).toBeUndefined();
      ordering.started(k, gate.promise);
    }
    const elapsedMs = performance.now() - started;
    gate.resolve();
    await tick();
    expect(ordering.unsettled).toBe(0);
    return elapsedMs;
  };
  const best = async (depth: number) => Math.min(await fill(depth), await fill(depth), await fill(depth));
  const shortMs = await best(2_000);
  const longMs = await best(20_000);
  expect(longMs / Math.max(shortMs, 0.5)).toBeLessThan(40);
});
