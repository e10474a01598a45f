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
  const ordering = new KeyOrdering();
  const gate = deferred();
  const started = performance.now();
  for (let i = 0; i < 20000; i++) {
    const k = [key(`k${i}`)];
    expect(ordering.waitFor(k)).toBeUndefined();
    ordering.started(k, gate.promise);
  }
  expect(performance.now() - started).toBeLessThan(2000);
  gate.resolve();
  await tick();
  expect(ordering.unsettled).toBe(0);
});
