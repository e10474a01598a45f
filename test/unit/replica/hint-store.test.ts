import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { HintStore } from '../../../src/replica/hint-store';
import { MemoryStore } from '../../../src/storage/memory-store';
import { EMPTY_DVVSET, EMPTY_VERSION_VECTOR, join, siblings, update } from '../../../src/versioning/dvvset';

const version = (text: string, timestampMs: number) => ({ data: Buffer.from(text), tombstone: false, timestampMs, expiresAtMs: 0 });

async function setup() {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const commit = async () => {
    const done = store.commit();
    clock.runDeferred();
    await done;
  };
  return { clock, store, commit, hints: new HintStore(store, createSilentLogger()) };
}

test('hints for one key merge; counts are per target; removal after delivery', async () => {
  const { store, commit, hints } = await setup();
  const first = update(EMPTY_DVVSET, EMPTY_VERSION_VECTOR, 'n-a', version('one', 1), 1);
  const second = update(first, join(first), 'n-a', version('two', 2), 2);
  hints.add('n-down', 3, Buffer.from('k'), first);
  hints.add('n-down', 3, Buffer.from('k'), second);
  hints.add('n-down', 7, Buffer.from('j'), first);
  hints.add('n-other', 3, Buffer.from('k'), first);
  await commit();
  expect(hints.pending()).toEqual(new Map([['n-down', 2], ['n-other', 1]]));
  expect(siblings(hints.read('n-down', 3, Buffer.from('k'))).map((s) => s.version.data.toString())).toEqual(['two']);
  const seen: string[] = [];
  hints.forEach('n-down', (partition, key) => (seen.push(`${partition}:${key}`), true));
  expect(seen).toEqual(['3:k', '7:j']);
  // Counts survive a restart (rebuilt from the table).
  expect(new HintStore(store, createSilentLogger()).pending()).toEqual(hints.pending());
  hints.remove('n-down', 3, Buffer.from('k'));
  hints.remove('n-down', 3, Buffer.from('k'));
  await commit();
  expect(hints.pending().get('n-down')).toBe(1);
  expect(hints.read('n-down', 3, Buffer.from('k'))).toEqual(EMPTY_DVVSET);
});

test('bytes held per target are tracked exactly, survive a restart, and drop to zero when delivered', async () => {
  const { store, commit, hints } = await setup();
  const record = update(EMPTY_DVVSET, EMPTY_VERSION_VECTOR, 'n-a', version('x'.repeat(1000), 1), 1);
  hints.add('n-down', 1, Buffer.from('k1'), record);
  hints.add('n-down', 2, Buffer.from('k2'), record);
  await commit();
  let stored = 0;
  store.scan('hints', {}, (key, value) => ((stored += key.length + value.length), true));
  expect(hints.bytesFor('n-down')).toBe(stored);
  expect(stored).toBeGreaterThan(2000);
  expect(new HintStore(store, createSilentLogger()).bytesFor('n-down')).toBe(stored);
  hints.remove('n-down', 1, Buffer.from('k1'));
  hints.remove('n-down', 2, Buffer.from('k2'));
  await commit();
  expect(hints.bytesFor('n-down')).toBe(0);
});
