import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, SystemClock, type Clock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { LmdbStore } from '../../../src/storage/lmdb-store';
import { MemoryStore } from '../../../src/storage/memory-store';
import { MAX_KEY_BYTES, StorageError, type Store, type Table } from '../../../src/storage/store';

/** One suite, both implementations: whatever passes against MemoryStore must hold for LMDB. */
interface Harness {
  readonly store: Store & { readonly commitCount: number };
  dispose(): Promise<void>;
}

const implementations: Array<[string, (clock: Clock) => Harness]> = [
  [
    'MemoryStore',
    (clock) => {
      const store = new MemoryStore({ clock });
      return { store, dispose: () => store.close() };
    },
  ],
  // Small groups commit on the event loop by default ('commit' durability); 0 sends every group
  // through batchWrite on a worker, and both must keep the same contract.
  ...[undefined, 0].map((syncCommitOperationsMax): [string, (clock: Clock) => Harness] => [
    syncCommitOperationsMax === 0 ? 'LmdbStore (every commit on a worker)' : 'LmdbStore',
    (clock) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-store-'));
      const store = LmdbStore.open({ path: dir, mapBytes: 64 << 20, durability: 'commit', clock, logger: createSilentLogger(), syncCommitOperationsMax });
      return {
        store,
        dispose: async () => {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ]),
];

const b = (...bytes: number[]) => Buffer.from(bytes);
const text = (value: string) => Buffer.from(value);

function entries(store: Store, table: Table, range = {}, limit = Infinity): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  store.scan(table, range, (key, value) => {
    out.push([key.toString('hex'), value.toString('hex')]);
    return out.length < limit;
  });
  return out;
}

describe.each(implementations)('%s honours the Store contract', (_name, make) => {
  let clock: ManualClock;
  let harness: Harness;
  let store: Harness['store'];
  beforeEach(() => {
    clock = new ManualClock();
    harness = make(clock);
    store = harness.store;
  });
  afterEach(() => harness.dispose());

  /** End the turn: run the deferred group commit (LmdbStore: submit it to a worker thread). */
  const endTurn = () => clock.runDeferred();
  /** End the turn and wait until everything staged is committed (LmdbStore commits asynchronously). */
  const endTurnAndCommit = async () => {
    endTurn();
    await store.commit();
  };

  test('get, put, overwrite and delete, staged and committed', async () => {
    expect(store.get('data', text('k'))).toBeUndefined();
    store.put('data', text('k'), text('v1'));
    expect(store.get('data', text('k'))).toEqual(text('v1'));
    const committed = store.commit();
    endTurn();
    await committed;
    expect(store.get('data', text('k'))).toEqual(text('v1'));
    store.put('data', text('k'), text('v2'));
    expect(store.get('data', text('k'))).toEqual(text('v2'));
    await endTurnAndCommit();
    expect(store.get('data', text('k'))).toEqual(text('v2'));
    store.delete('data', text('k'));
    store.delete('data', text('never-there'));
    expect(store.get('data', text('k'))).toBeUndefined();
    await endTurnAndCommit();
    expect(store.get('data', text('k'))).toBeUndefined();
    expect(store.get('data', text('never-there'))).toBeUndefined();
  });

  test('buffers are copied in both directions', async () => {
    const key = text('key');
    const value = text('value');
    const expected = [[text('key').toString('hex'), text('value').toString('hex')]];
    store.put('data', key, value);
    key.fill(0);
    value.fill(0);
    const read = store.get('data', text('key'))!;
    read.fill(1);
    // What a scan hands out belongs to the caller while the write is staged, in flight and committed:
    // LmdbStore's staged values are the buffers its worker thread commits from. Changing a key must
    // not move the scan either (capped, so that such a bug fails instead of looping forever).
    const scribble = (byte: number): number => {
      let visits = 0;
      store.scan('data', {}, (k, v) => (k.fill(byte), v.fill(byte), ++visits < 10));
      return visits;
    };
    expect(scribble(2)).toBe(1);
    expect(entries(store, 'data')).toEqual(expected);
    endTurn();
    expect(scribble(3)).toBe(1);
    expect(store.get('data', text('key'))).toEqual(text('value'));
    await store.commit();
    expect(store.get('data', text('key'))).toEqual(text('value'));
    expect(scribble(4)).toBe(1);
    expect(entries(store, 'data')).toEqual(expected);
  });

  test('binary keys with 0x00 and 0xff, empty values, byte-order scans', async () => {
    const keys = [b(0xff, 0xff), b(0x00), b(0x80), b(0x00, 0x00), b(0xff), b(0x7f), b(0x00, 0xff), b(0x01)];
    for (const key of keys) store.put('data', key, Buffer.alloc(0));
    const sorted = [...keys].sort(Buffer.compare).map((key) => [key.toString('hex'), '']);
    expect(entries(store, 'data')).toEqual(sorted);
    endTurn();
    expect(entries(store, 'data')).toEqual(sorted);
    await store.commit();
    expect(entries(store, 'data')).toEqual(sorted);
    expect(store.get('data', b(0x00))).toEqual(Buffer.alloc(0));
    expect(store.get('data', b(0x00, 0x01))).toBeUndefined();
  });

  test('ranges: start inclusive, end exclusive, open ends, empty ranges, early stop', async () => {
    for (let i = 0; i < 10; i++) store.put('data', b(i), b(i));
    await endTurnAndCommit();
    const hex = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => [b(from + i).toString('hex'), b(from + i).toString('hex')]);
    expect(entries(store, 'data', { start: b(3), end: b(6) })).toEqual(hex(3, 6));
    expect(entries(store, 'data', { start: b(7) })).toEqual(hex(7, 10));
    expect(entries(store, 'data', { end: b(2) })).toEqual(hex(0, 2));
    expect(entries(store, 'data', { start: b(3, 0) })).toEqual(hex(4, 10));
    expect(entries(store, 'data', { start: b(6), end: b(6) })).toEqual([]);
    expect(entries(store, 'data', { start: b(8), end: b(2) })).toEqual([]);
    expect(entries(store, 'data', { start: Buffer.alloc(0), end: Buffer.alloc(0) })).toEqual([]);
    expect(entries(store, 'data', { start: Buffer.alloc(0) })).toEqual(hex(0, 10));
    expect(entries(store, 'data', {}, 3)).toEqual(hex(0, 3));
    expect(entries(store, 'data', { start: b(5) }, 1)).toEqual(hex(5, 6));
  });

  test('a start bound longer than any storable key', async () => {
    const long = Buffer.alloc(MAX_KEY_BYTES, 0x61);
    store.put('data', long, text('x'));
    store.put('data', Buffer.concat([long.subarray(0, 100), b(0x62)]), text('y'));
    const bound = Buffer.concat([long, b(0x00)]);
    // Staged (merged from the overlay), then committed (read through LMDB's cursor).
    expect(entries(store, 'data', { start: bound }).map(([, v]) => v)).toEqual([text('y').toString('hex')]);
    await endTurnAndCommit();
    expect(entries(store, 'data', { start: bound }).map(([, v]) => v)).toEqual([text('y').toString('hex')]);
  });

  test('long scans stay ordered and complete, and stop early', async () => {
    const count = 3000;
    for (let i = 0; i < count; i++) store.put('data', b(i >> 8, i & 0xff, 1), b(i & 0xff));
    await endTurnAndCommit();
    const all = entries(store, 'data');
    expect(all).toHaveLength(count);
    expect(all.map(([k]) => k)).toEqual([...all.map(([k]) => k)].sort());
    expect(entries(store, 'data', {}, 1500)).toEqual(all.slice(0, 1500));
    expect(entries(store, 'data', { start: b(5, 0), end: b(7, 0) })).toEqual(all.slice(5 * 256, 7 * 256));
  });

  test('scans merge staged puts and deletes with committed entries', async () => {
    for (const i of [1, 3, 5]) store.put('data', b(i), b(i));
    await endTurnAndCommit();
    store.put('data', b(2), b(2));
    store.delete('data', b(3));
    store.put('data', b(5), b(50));
    const merged = [
      ['01', '01'],
      ['02', '02'],
      ['05', '32'],
    ];
    expect(entries(store, 'data')).toEqual(merged);
    await endTurnAndCommit();
    expect(entries(store, 'data')).toEqual(merged);
  });

  test('visit may write: deleting every visited key visits each once and empties the range', async () => {
    for (let i = 0; i < 100; i++) store.put('expiry', b(i), b(i));
    await endTurnAndCommit();
    const seen: number[] = [];
    store.scan('expiry', { end: b(60) }, (key) => {
      seen.push(key[0]!);
      store.delete('expiry', key);
      return true;
    });
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(entries(store, 'expiry')).toHaveLength(40);
    await endTurnAndCommit();
    expect(entries(store, 'expiry')).toHaveLength(40);
  });

  test('tables are independent', async () => {
    store.put('data', text('k'), text('data'));
    store.put('meta', text('k'), text('meta'));
    store.put('hints', text('h'), text('hint'));
    await endTurnAndCommit();
    store.delete('data', text('k'));
    expect(store.get('meta', text('k'))).toEqual(text('meta'));
    expect(store.get('expiry', text('k'))).toBeUndefined();
    expect(entries(store, 'hints')).toEqual([[text('h').toString('hex'), text('hint').toString('hex')]]);
    expect(entries(store, 'expiry')).toEqual([]);
  });

  test('every write of a turn shares one commit', async () => {
    const before = store.commitCount;
    const promises: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i++) {
      store.put('data', b(i), b(i));
      promises.push(store.commit());
    }
    store.delete('data', b(0));
    let settled = false;
    void Promise.all(promises).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    endTurn();
    await Promise.all(promises);
    expect(store.commitCount).toBe(before + 1);
    expect(entries(store, 'data')).toHaveLength(49);
  });

  test('commit() with nothing staged resolves at once, without a commit', async () => {
    const before = store.commitCount;
    await store.commit();
    expect(store.commitCount).toBe(before);
  });

  test('promises resolve in group order, and in call order within a group', async () => {
    const order: string[] = [];
    store.put('data', b(1), b(1));
    const first = store.commit().then(() => order.push('1a'));
    const second = store.commit().then(() => order.push('1b'));
    endTurn();
    store.put('data', b(2), b(2));
    const third = store.commit().then(() => order.push('2'));
    endTurn();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['1a', '1b', '2']);
  });

  test('keys outside 1..MAX_KEY_BYTES: put throws without harming the group; get and delete ignore them', async () => {
    store.put('data', text('good'), text('v'));
    expect(() => store.put('data', Buffer.alloc(0), text('v'))).toThrow(StorageError);
    expect(() => store.put('data', Buffer.alloc(MAX_KEY_BYTES + 1), text('v'))).toThrow(StorageError);
    store.put('data', Buffer.alloc(MAX_KEY_BYTES, 1), text('max'));
    expect(store.get('data', Buffer.alloc(0))).toBeUndefined();
    expect(store.get('data', Buffer.alloc(MAX_KEY_BYTES + 1))).toBeUndefined();
    store.delete('data', Buffer.alloc(0));
    const committed = store.commit();
    endTurn();
    await committed;
    expect(store.get('data', text('good'))).toEqual(text('v'));
    expect(store.get('data', Buffer.alloc(MAX_KEY_BYTES, 1))).toEqual(text('max'));
  });

  test('close commits what is staged, is idempotent, and later calls fail', async () => {
    store.put('data', text('k'), text('v'));
    const pending = store.commit();
    const before = store.commitCount;
    await store.close();
    await pending;
    expect(store.commitCount).toBe(before + 1);
    await store.close();
    expect(() => store.get('data', text('k'))).toThrow('store is closed');
    expect(() => store.put('data', text('k'), text('v'))).toThrow(StorageError);
    expect(() => store.delete('data', text('k'))).toThrow(StorageError);
    expect(() => store.scan('data', {}, () => true)).toThrow(StorageError);
    await expect(store.commit()).rejects.toThrow(StorageError);
  });
});

describe.each(implementations)('%s on the real event loop', (_name, make) => {
  test('writes of one turn share one commit, which goes out at the end of the turn unasked', async () => {
    const harness = make(new SystemClock());
    try {
      const { store } = harness;
      for (let i = 0; i < 100; i++) store.put('data', b(i), b(i));
      await store.commit();
      expect(store.commitCount).toBe(1);
      // Nobody calls commit() for this write: the end of the turn must send it out by itself.
      store.put('data', b(200), b(200));
      const deadline = Date.now() + 5000;
      while (store.commitCount < 2 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect(store.commitCount).toBe(2);
      expect(entries(store, 'data')).toHaveLength(101);
    } finally {
      await harness.dispose();
    }
  });
});
