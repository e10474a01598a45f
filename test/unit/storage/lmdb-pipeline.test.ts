import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, SystemClock, type Clock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { LmdbStore, type LmdbStoreOptions } from '../../../src/storage/lmdb-store';
import { StorageError, StorageFullError, type KeyRange, type Table } from '../../../src/storage/store';

/**
 * LmdbStore's commit pipeline: groups are committed by node-lmdb's batchWrite on a worker thread,
 * one batch in flight at a time, while reads merge the pending group over the in-flight one over
 * LMDB's committed state. With a ManualClock a batch is submitted by `runDeferred()` and can only
 * complete at an `await`, so "in flight" is deterministic between the two.
 */

const MiB = 1024 * 1024;
let dirs: string[] = [];
let open: LmdbStore[] = [];

afterEach(async () => {
  for (const store of open) await store.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  open = [];
  dirs = [];
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-pipeline-'));
  dirs.push(dir);
  return dir;
}

function openStore(dir: string, clock: Clock, overrides: Partial<LmdbStoreOptions> = {}): LmdbStore {
  const store = LmdbStore.open({ path: dir, mapBytes: 64 * MiB, durability: 'fsync', clock, logger: createSilentLogger(), ...overrides });
  open.push(store);
  return store;
}

const k = (name: string) => Buffer.from(name);
const v = (text: string) => Buffer.from(text);

function scanned(store: LmdbStore, table: Table = 'data', range: KeyRange = {}, limit = Infinity): string[] {
  const out: string[] = [];
  store.scan(table, range, (key, value) => {
    out.push(`${key.toString()}=${value.toString()}`);
    return out.length < limit;
  });
  return out;
}

async function commitTurn(store: LmdbStore, clock: ManualClock): Promise<void> {
  clock.runDeferred();
  await store.commit();
}

describe('reads while batches are staged and in flight', () => {
  test('a staged delete hides a committed key for get and scan: staged, in flight and committed', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const store = openStore(dir, clock);
    for (const name of ['a', 'b', 'c']) store.put('data', k(name), v(name));
    await commitTurn(store, clock);
    const hidden = () => {
      expect(store.get('data', k('b'))).toBeUndefined();
      expect(scanned(store)).toEqual(['a=a', 'c=c']);
      expect(scanned(store, 'data', { start: k('b') })).toEqual(['c=c']);
      expect(scanned(store, 'data', { start: k('b'), end: k('c') })).toEqual([]);
      expect(scanned(store, 'data', {}, 1)).toEqual(['a=a']);
    };
    store.delete('data', k('b'));
    hidden();
    clock.runDeferred();
    expect(store.commitCount).toBe(1); // in flight: its callback cannot run before an await
    hidden();
    await store.commit();
    expect(store.commitCount).toBe(2);
    hidden();

    // A delete staged behind an in-flight put of the same key, and a put behind an in-flight delete.
    store.put('data', k('a'), v('a2'));
    store.delete('data', k('c'));
    clock.runDeferred();
    store.delete('data', k('a'));
    store.put('data', k('c'), v('c3'));
    const expectFinal = () => {
      expect(store.get('data', k('a'))).toBeUndefined();
      expect(store.get('data', k('c'))).toEqual(v('c3'));
      expect(scanned(store)).toEqual(['c=c3']);
    };
    expectFinal();
    await commitTurn(store, clock);
    expectFinal();
    await store.close();
    const again = openStore(dir, clock);
    expect(scanned(again)).toEqual(['c=c3']);
  });

  test('reads see in-flight and pending writes over the committed state, newest first', async () => {
    const clock = new ManualClock();
    const store = openStore(tempDir(), clock);
    for (const name of ['1', '2', '3', '4', '6']) store.put('data', k(name), v('committed'));
    store.put('meta', k('2'), v('meta'));
    await commitTurn(store, clock);
    // In flight: 1 and 2 changed, 3 deleted, 7 new.
    store.put('data', k('1'), v('flight'));
    store.put('data', k('2'), v('flight'));
    store.delete('data', k('3'));
    store.put('data', k('7'), v('flight'));
    clock.runDeferred();
    // Pending, staged before that batch completes: 2 again, 3 back, 4 deleted, 5 new.
    store.put('data', k('2'), v('pending'));
    store.put('data', k('3'), v('pending'));
    store.delete('data', k('4'));
    store.put('data', k('5'), v('pending'));
    const expected = ['1=flight', '2=pending', '3=pending', '5=pending', '6=committed', '7=flight'];
    const check = () => {
      expect(['1', '2', '3', '4', '5', '6', '7'].map((name) => store.get('data', k(name))?.toString())).toEqual([
        'flight', 'pending', 'pending', undefined, 'pending', 'committed', 'flight',
      ]);
      expect(scanned(store)).toEqual(expected);
      expect(scanned(store, 'data', { start: k('3'), end: k('6') })).toEqual(['3=pending', '5=pending']);
      expect(scanned(store, 'data', { start: k('2') }, 2)).toEqual(['2=pending', '3=pending']);
      expect(scanned(store, 'meta')).toEqual(['2=meta']);
    };
    expect(store.commitCount).toBe(1);
    check();
    await commitTurn(store, clock);
    expect(store.commitCount).toBe(3);
    check();
  });
});

describe('groups and their order', () => {
  test('one turn is one batch; while it is in flight, later turns share the next one', async () => {
    const clock = new ManualClock();
    const store = openStore(tempDir(), clock);
    const order: string[] = [];
    for (let i = 0; i < 50; i++) store.put('data', k(`first-${i}`), v('x'));
    const first = store.commit().then(() => order.push('first'));
    clock.runDeferred();
    const later: Array<Promise<unknown>> = [];
    for (let turn = 0; turn < 3; turn++) {
      for (let i = 0; i < 10; i++) store.put('data', k(`later-${turn}-${i}`), v('y'));
      later.push(store.commit().then(() => order.push(`turn ${turn}`)));
      clock.runDeferred();
    }
    await Promise.all([first, ...later]);
    expect(store.commitCount).toBe(2);
    expect(order).toEqual(['first', 'turn 0', 'turn 1', 'turn 2']);
    expect(store.stats().entries.data).toBe(80);
  });

  test('the same key written in consecutive groups ends with the last value after reopen', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const store = openStore(dir, clock);
    store.put('data', k('key'), v('0'));
    store.put('data', k('gone'), v('0'));
    let inFlight = store.commit();
    clock.runDeferred();
    // Each round stages a group behind the one in flight, then lets that one finish: every group
    // is its own batch, and each writes the keys the one before it is still committing.
    for (let round = 1; round <= 6; round++) {
      store.put('data', k('key'), v(String(round)));
      if (round % 2 === 1) store.delete('data', k('gone'));
      else store.put('data', k('gone'), v(String(round)));
      const pending = store.commit();
      clock.runDeferred();
      expect(store.get('data', k('key'))).toEqual(v(String(round)));
      await inFlight;
      inFlight = pending;
    }
    store.delete('data', k('gone'));
    await store.close();
    expect(store.commitCount).toBe(8); // seven rounds' groups and the delete staged at close
    const again = openStore(dir, clock);
    expect(again.get('data', k('key'))).toEqual(v('6'));
    expect(again.get('data', k('gone'))).toBeUndefined();
  });

  test('on the real event loop, groups grow while a batch is in flight and commit in order', async () => {
    const dir = tempDir();
    const store = openStore(dir, new SystemClock());
    const turns = 200;
    const acks: Array<Promise<void>> = [];
    await new Promise<void>((resolve) => {
      let turn = 0;
      const step = () => {
        for (let i = 0; i < 10; i++) store.put('data', k(`t${turn}-${i}`), v('x'));
        store.put('data', k('last'), v(String(turn)));
        acks.push(store.commit());
        if (++turn < turns) setImmediate(step);
        else resolve();
      };
      step();
    });
    await Promise.all(acks);
    // Every write committed, in staging order.
    expect(store.stats().entries.data).toBe(turns * 10 + 1);
    expect(store.get('data', k('last'))).toEqual(v(String(turns - 1)));
    // A batch costs a worker round trip and an fsync (0.1 ms at the very least), a turn of 11 puts a
    // few microseconds: batches must have absorbed several turns each. One batch per turn would be 200.
    expect(store.commitCount).toBeGreaterThanOrEqual(1);
    expect(store.commitCount).toBeLessThanOrEqual(turns / 4);
    await store.close();
    expect(openStore(dir, new SystemClock()).get('data', k('last'))).toEqual(v(String(turns - 1)));
  });
});

describe('a batch that fails', () => {
  test('rejects its group and the pending one; reads fall back to the committed state; the store goes on', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    // No headroom and no soft limit: the big group is staged, and LMDB refuses it on the worker thread.
    const store = openStore(dir, clock, { mapBytes: 1 * MiB, headroomBytes: 0, durability: 'commit' });
    store.put('data', k('base'), v('committed'));
    store.put('data', k('keep'), v('committed'));
    await commitTurn(store, clock);
    const committedScan = scanned(store);

    for (let i = 0; i < 20; i++) store.put('data', k(`big-${i}`), Buffer.alloc(100 * 1024, i));
    store.put('data', k('base'), v('flight'));
    const failing = store.commit();
    clock.runDeferred();
    store.put('data', k('base'), v('pending'));
    store.put('data', k('small'), v('pending'));
    store.delete('data', k('keep'));
    const abandoned = store.commit();
    expect(store.get('data', k('base'))).toEqual(v('pending'));
    expect(store.get('data', k('keep'))).toBeUndefined();

    await expect(failing).rejects.toThrow(StorageFullError);
    await expect(failing).rejects.toThrow(/map is full/);
    await expect(abandoned).rejects.toThrow(StorageFullError);
    expect(store.commitCount).toBe(1);
    expect(store.get('data', k('base'))).toEqual(v('committed'));
    expect(store.get('data', k('keep'))).toEqual(v('committed'));
    expect(store.get('data', k('small'))).toBeUndefined();
    expect(store.get('data', k('big-0'))).toBeUndefined();
    expect(scanned(store)).toEqual(committedScan);
    expect(store.stats().entries.data).toBe(2);

    clock.runDeferred(); // the turn in which the failure was reported ends
    store.put('data', k('after'), v('works'));
    store.delete('data', k('keep'));
    await commitTurn(store, clock);
    expect(store.commitCount).toBe(2);
    expect(scanned(store)).toEqual(['after=works', 'base=committed']);
    await store.close();
    expect(scanned(openStore(dir, clock, { mapBytes: 1 * MiB, headroomBytes: 0 }))).toEqual(['after=works', 'base=committed']);
  });

  test('a put refused by the space limit abandons the pending group only; the batch in flight commits', async () => {
    const clock = new ManualClock();
    const store = openStore(tempDir(), clock, { mapBytes: 1 * MiB, durability: 'commit' });
    store.put('data', k('flight'), v('x'));
    const inFlight = store.commit();
    clock.runDeferred();
    store.put('data', k('pending'), v('x'));
    const pending = store.commit();
    expect(() => store.put('data', k('huge'), Buffer.alloc(2 * MiB))).toThrow(StorageFullError);
    expect(() => store.put('data', k('same-turn'), v('x'))).toThrow(StorageFullError);
    await expect(pending).rejects.toThrow(StorageFullError);
    await inFlight;
    expect(scanned(store)).toEqual(['flight=x']);
    clock.runDeferred();
    store.put('data', k('next-turn'), v('x'));
    await commitTurn(store, clock);
    expect(scanned(store)).toEqual(['flight=x', 'next-turn=x']);
  });
});

describe('the event loop', () => {
  test("keeps turning while groups commit in 'fsync' mode", async () => {
    const store = openStore(tempDir(), new SystemClock(), { mapBytes: 256 * MiB });
    let last = performance.now();
    let longestGap = 0;
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const ratios: number[] = [];
    const tickCounts: number[] = [];
    try {
      for (let group = 0; group < 16; group++) {
        // 4 MiB per group: LMDB copies it into the map and fsyncs it, milliseconds of worker time.
        for (let i = 0; i < 256; i++) store.put('data', k(`key-${i}`), Buffer.alloc(16 * 1024, group));
        const committed = store.commit();
        // The window starts after staging: copying the values is the caller's work, not the commit's.
        const start = performance.now();
        last = start;
        longestGap = 0;
        ticks = 0;
        await committed;
        ratios.push(longestGap / (performance.now() - start));
        tickCounts.push(ticks);
      }
    } finally {
      ticking = false;
    }
    // If the commit (LMDB's writes and fsync) ran on the event loop, as it used to, the loop would be
    // blocked for nearly the whole window, in every window: longest gap / window ≈ 1 (0.99 measured
    // with a synchronous commit put back), one or two ticks each. Off the loop, the stalls are the
    // batch's submission (marshalling 256 operations, ~0.1 ms), its settling, GC, and CPU contention:
    // on a busy 2-core machine the worker's memcpy into the map can take this thread's core for
    // milliseconds (seen: single windows up to 0.9, medians up to 0.54 with two CPU hogs running).
    // Noise lengthens gaps; to push a blocking store under 1/2 it would have to add more than the
    // whole commit time, in gaps each shorter than the commit, to 4 windows of 16. Asking only that a
    // quarter of the windows stay under 1/2 fails a non-blocking store only if noise hits 13 of 16.
    const sortedRatios = [...ratios].sort((x, y) => x - y);
    expect(sortedRatios[ratios.length / 4 - 1]).toBeLessThan(0.5);
    // The loop kept turning: hundreds to thousands of ticks per window, against ~2 if it were blocked.
    expect(tickCounts.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(ratios.length * 20);
  });
});

describe('close', () => {
  test('waits for the batch in flight and the group behind it; the data is there after reopen', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const store = openStore(dir, clock);
    const order: string[] = [];
    for (let i = 0; i < 500; i++) store.put('data', k(`key-${String(i).padStart(3, '0')}`), Buffer.alloc(1024, 1));
    void store.commit().then(() => order.push('in flight'));
    clock.runDeferred();
    store.put('data', k('tail'), v('pending'));
    void store.commit().then(() => order.push('pending'));
    const closing = store.close().then(() => order.push('closed'));
    expect(store.commitCount).toBe(0);
    // The directory stays claimed until close is done.
    expect(() => LmdbStore.open({ path: dir, mapBytes: 64 * MiB, durability: 'fsync', clock, logger: createSilentLogger() })).toThrow(
      /already open in this process/,
    );
    await closing;
    expect(order).toEqual(['in flight', 'pending', 'closed']);
    expect(store.commitCount).toBe(2);
    expect(() => store.get('data', k('tail'))).toThrow(StorageError);
    const again = openStore(dir, clock);
    expect(again.stats().entries.data).toBe(501);
    expect(again.get('data', k('tail'))).toEqual(v('pending'));
    expect(again.get('data', k('key-499'))).toEqual(Buffer.alloc(1024, 1));
  });
});
