import { ManualClock } from '../../../src/lib/clock';
import { MemoryStore } from '../../../src/storage/memory-store';
import { StorageError, StorageFullError } from '../../../src/storage/store';

const t = (value: string) => Buffer.from(value);

function setup() {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  return { clock, store };
}

describe('MemoryStore extras', () => {
  test('crash loses staged writes, rejects their commits with "crashed", and closes the store', async () => {
    const { clock, store } = setup();
    store.put('data', t('a'), t('1'));
    clock.runDeferred();
    store.put('data', t('a'), t('2'));
    store.put('data', t('b'), t('2'));
    store.delete('data', t('a'));
    const pending = store.commit();
    store.crash();
    await expect(pending).rejects.toThrow('crashed');
    expect(() => store.get('data', t('a'))).toThrow(StorageError);
    clock.runDeferred(); // the dead group's deferred commit must do nothing
    store.reopen();
    expect(store.get('data', t('a'))).toEqual(t('1'));
    expect(store.get('data', t('b'))).toBeUndefined();
    expect(store.commitCount).toBe(1);
  });

  test('a crash with nothing waiting leaves no unhandled rejection', () => {
    const { clock, store } = setup();
    store.put('data', t('a'), t('1'));
    store.crash();
    clock.runDeferred();
    store.reopen();
    expect(store.get('data', t('a'))).toBeUndefined();
  });

  test('a full disk fails the put, its whole group and the rest of its turn', async () => {
    const { clock, store } = setup();
    store.put('data', t('earlier'), t('x'));
    const earlier = store.commit();
    store.setFull(true);
    expect(() => store.put('data', t('k'), t('v'))).toThrow(StorageFullError);
    await expect(earlier).rejects.toBeInstanceOf(StorageFullError);
    await expect(store.commit()).rejects.toBeInstanceOf(StorageFullError);
    store.setFull(false);
    expect(() => store.put('data', t('same-turn'), t('v'))).toThrow(StorageFullError);
    expect(() => store.delete('data', t('earlier'))).toThrow(StorageFullError);
    expect(store.get('data', t('earlier'))).toBeUndefined();
    clock.runDeferred();
    store.put('data', t('next-turn'), t('v'));
    const next = store.commit();
    clock.runDeferred();
    await next;
    expect(store.get('data', t('next-turn'))).toEqual(t('v'));
  });

  test('a disk that fills before the commit fails groups with puts; deletes still commit', async () => {
    const { clock, store } = setup();
    store.put('data', t('a'), t('1'));
    clock.runDeferred();
    store.put('data', t('b'), t('2'));
    const withPut = store.commit();
    store.setFull(true);
    clock.runDeferred();
    await expect(withPut).rejects.toBeInstanceOf(StorageFullError);
    expect(store.get('data', t('b'))).toBeUndefined();
    store.delete('data', t('a'));
    const deletesOnly = store.commit();
    clock.runDeferred();
    await deletesOnly;
    expect(store.get('data', t('a'))).toBeUndefined();
  });

  test('snapshot holds the committed contents only, by table and hex key, in key order', () => {
    const { clock, store } = setup();
    store.put('data', Buffer.from([0xff]), t('z'));
    store.put('data', Buffer.from([0x00]), t('a'));
    store.put('meta', t('id'), t('n1'));
    clock.runDeferred();
    store.put('data', Buffer.from([0x10]), t('staged'));
    store.delete('data', Buffer.from([0xff]));
    store.put('data', Buffer.from([0x00]), t('changed'));
    const snapshot = store.snapshot();
    expect([...snapshot.get('data')!]).toEqual([
      ['00', t('a')],
      ['ff', t('z')],
    ]);
    expect([...snapshot.get('meta')!]).toEqual([[t('id').toString('hex'), t('n1')]]);
    expect(snapshot.get('hints')!.size).toBe(0);
    snapshot.get('data')!.get('00')!.fill(0);
    expect(store.get('data', Buffer.from([0x00]))).toEqual(t('changed'));
  });

  test('close then reopen keeps committed data (a clean restart)', async () => {
    const { store } = setup();
    store.put('data', t('k'), t('v'));
    const committed = store.commit();
    await store.close();
    await committed;
    expect(store.commitCount).toBe(1);
    store.reopen();
    expect(store.get('data', t('k'))).toEqual(t('v'));
  });

  test('thousands of keys stay fast', () => {
    const { clock, store } = setup();
    for (let i = 0; i < 20_000; i++) {
      const key = Buffer.alloc(4);
      key.writeUInt32BE((i * 2654435761) >>> 0, 0);
      store.put('data', key, key);
      if (i % 50 === 49) clock.runDeferred();
    }
    clock.runDeferred();
    let count = 0;
    let previous: Buffer | undefined;
    store.scan('data', {}, (key) => {
      if (previous) expect(Buffer.compare(previous, key)).toBeLessThan(0);
      previous = key;
      count++;
      return true;
    });
    expect(count).toBe(20_000);
  });
});
