import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { LOCK_FILE } from '../../../src/storage/lmdb-directory';
import { MDB_MAP_FULL, estimatePutBytes, toStorageError } from '../../../src/storage/lmdb-space';
import { LmdbStore, type Durability, type LmdbStoreOptions } from '../../../src/storage/lmdb-store';
import { StorageError, StorageFullError } from '../../../src/storage/store';

const MiB = 1024 * 1024;
let dirs: string[] = [];
let open: LmdbStore[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-lmdb-'));
  dirs.push(dir);
  return dir;
}

function openStore(dir: string, clock: ManualClock, overrides: Partial<LmdbStoreOptions> = {}): LmdbStore {
  const store = LmdbStore.open({ path: dir, mapBytes: 64 * MiB, durability: 'fsync', clock, logger: createSilentLogger(), ...overrides });
  open.push(store);
  return store;
}

afterEach(async () => {
  for (const store of open) await store.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  open = [];
  dirs = [];
});

const key = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
};

/** Stage one group of `count` 100-byte values from key `first`, end the turn, report the outcome. */
async function writeGroup(store: LmdbStore, clock: ManualClock, first: number, count: number): Promise<'ok' | Error> {
  let outcome: Promise<'ok' | Error>;
  try {
    for (let i = 0; i < count; i++) store.put('data', key(first + i), Buffer.alloc(100, 7));
    outcome = store.commit().then(() => 'ok' as const, (error: Error) => error);
  } catch (error) {
    outcome = Promise.resolve(error as Error);
  }
  clock.runDeferred();
  return outcome;
}

describe('LmdbStore durability', () => {
  test('committed and staged-at-close data survive close and reopen', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const store = openStore(dir, clock);
    store.put('data', key(1), Buffer.from('committed'));
    store.put('meta', Buffer.from('node-id'), Buffer.from('n1'));
    clock.runDeferred();
    await store.commit();
    store.put('data', key(2), Buffer.from('staged'));
    await store.close();
    const again = openStore(dir, clock);
    expect(again.get('data', key(1))).toEqual(Buffer.from('committed'));
    expect(again.get('data', key(2))).toEqual(Buffer.from('staged'));
    expect(again.get('meta', Buffer.from('node-id'))).toEqual(Buffer.from('n1'));
    expect(again.stats().entries).toEqual({ data: 2, expiry: 0, meta: 1, hints: 0, merkle: 0 });
  });

  // Acknowledged = commit() resolved, with several groups staged behind the batch in flight.
  test.each<Durability>(['fsync', 'commit'])('acknowledged writes survive kill -9 (%s)', async (durability) => {
    const dir = tempDir();
    const fixture = path.join(__dirname, 'fixtures', 'acked-writer.js');
    const child = spawn(process.execPath, [fixture, dir, durability], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAcked = -1;
    const outOfOrder: number[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        // Commits happen in staging order, and promises resolve in group order.
        const group = Number(line.split(' ')[1]);
        if (group !== lastAcked + 1) outOfOrder.push(group);
        lastAcked = group;
      }
      if (lastAcked >= 30) child.kill('SIGKILL');
    });
    const signal = await exited;
    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    expect(outOfOrder).toEqual([]);
    expect(lastAcked).toBeGreaterThanOrEqual(30);
    // The dead child's lock is stale and taken over.
    const store = openStore(dir, new ManualClock());
    const seen = new Set<string>();
    store.scan('data', {}, (k) => (seen.add(k.toString('hex')), true));
    for (let group = 0; group <= lastAcked; group++) {
      for (let index = 0; index < 20; index++) {
        const k = Buffer.alloc(6);
        k.writeUInt32BE(group, 0);
        k.writeUInt16BE(index, 4);
        expect(seen.has(k.toString('hex'))).toBe(true);
      }
    }
  });
});

describe('LmdbStore reads', () => {
  test('the read view moves to each new commit', async () => {
    const clock = new ManualClock();
    const store = openStore(tempDir(), clock);
    expect(store.get('data', key(1))).toBeUndefined();
    for (let round = 0; round < 5; round++) {
      store.put('data', key(1), Buffer.from([round]));
      clock.runDeferred();
      await store.commit();
      // The overlay is gone now: this read goes through the (renewed) read transaction.
      expect(store.get('data', key(1))).toEqual(Buffer.from([round]));
      expect(store.stats().entries.data).toBe(1);
    }
    expect(store.commitCount).toBe(5);
  });

  test('buffers read before later commits stay intact', async () => {
    const clock = new ManualClock();
    const store = openStore(tempDir(), clock);
    store.put('data', key(1), Buffer.alloc(5000, 1));
    clock.runDeferred();
    await store.commit();
    const held = store.get('data', key(1))!;
    for (let i = 0; i < 20; i++) {
      store.put('data', key(1), Buffer.alloc(5000, i + 2));
      store.delete('data', key(1));
      clock.runDeferred();
      await store.commit();
    }
    expect(store.get('data', key(1))).toBeUndefined();
    expect(held).toEqual(Buffer.alloc(5000, 1));
  });
});

describe('LmdbStore when space runs out', () => {
  test('the group that does not fit fails alone; deletes make room again', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const store = openStore(dir, clock, { mapBytes: 1 * MiB, durability: 'commit' });
    let next = 0;
    let failure: 'ok' | Error = 'ok';
    while (failure === 'ok') {
      failure = await writeGroup(store, clock, next, 50);
      if (failure === 'ok') next += 50;
    }
    expect(failure).toBeInstanceOf(StorageFullError);
    expect(next).toBeGreaterThan(1000);
    expect(store.get('data', key(next - 1))).toBeDefined();
    expect(store.get('data', key(next))).toBeUndefined();
    expect(store.stats().entries.data).toBe(next);
    expect(store.stats().usedBytes).toBeLessThanOrEqual(1 * MiB);

    // The put that hits the limit throws, and the rest of its turn fails with it.
    store.put('data', key(1_000_000), Buffer.alloc(1));
    expect(() => store.put('data', key(2_000_000), Buffer.alloc(200_000))).toThrow(StorageFullError);
    const sameTurn = store.commit();
    expect(() => store.delete('data', key(0))).toThrow(StorageFullError);
    clock.runDeferred();
    await expect(sameTurn).rejects.toBeInstanceOf(StorageFullError);
    expect(store.get('data', key(1_000_000))).toBeUndefined();
    expect(store.get('data', key(0))).toBeDefined();

    // At the limit, a reclaiming put (a tombstone replacing a value, its expiry entry) is taken
    // even though its own estimate, like that of a refused put, would pass the limit.
    expect(() => store.put('data', key(3_000_000), Buffer.alloc(200_000))).toThrow(StorageFullError);
    clock.runDeferred();
    store.put('data', key(1), Buffer.alloc(200_000), false, true);
    store.put('expiry', key(1), Buffer.alloc(0), false, true);
    const reclaimed = store.commit();
    clock.runDeferred();
    await reclaimed;
    expect(store.get('data', key(1))?.length).toBe(200_000);
    // But not past half the headroom (4 MiB here): emptying a store must not fill the map.
    expect(() => store.put('data', key(2), Buffer.alloc(3 * MiB), false, true)).toThrow(StorageFullError);
    clock.runDeferred();

    // Deletes always fit; afterwards small writes do too.
    for (let i = 0; i < next / 2; i++) store.delete('data', key(i));
    const deleted = store.commit();
    clock.runDeferred();
    await deleted;
    expect(await writeGroup(store, clock, 5_000_000, 50)).toBe('ok');
    await store.close();
    const again = openStore(dir, clock, { mapBytes: 1 * MiB });
    expect(again.stats().entries.data).toBe(next - Math.ceil(next / 2) + 50);
    expect(again.stats().entries.expiry).toBe(1);
    expect(again.get('data', key(next - 1))).toBeDefined();
  });

  test('without headroom, LMDB map full fails the group cleanly; a larger map at reopen recovers', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const store = openStore(dir, clock, { mapBytes: 1 * MiB, headroomBytes: 0, durability: 'commit' });
    let next = 0;
    let failure: 'ok' | Error = 'ok';
    while (failure === 'ok') {
      failure = await writeGroup(store, clock, next, 50);
      if (failure === 'ok') next += 50;
    }
    expect(failure).toBeInstanceOf(StorageFullError);
    expect((failure as Error).message).toMatch(/map is full/);
    expect(store.stats().entries.data).toBe(next);
    expect(store.get('data', key(next))).toBeUndefined();
    // The batch failed on the worker thread; the turn in which that was reported ends here.
    clock.runDeferred();
    // Still usable for reads, and later groups fail without harm.
    const later = await writeGroup(store, clock, next, 50);
    expect(later === 'ok' || later instanceof StorageFullError).toBe(true);
    expect(store.stats().entries.data).toBe(later === 'ok' ? next + 50 : next);
    await store.close();
    const bigger = openStore(dir, clock, { mapBytes: 4 * MiB });
    expect(bigger.stats().entries.data).toBeGreaterThanOrEqual(next);
    expect(await writeGroup(bigger, clock, 9_000_000, 50)).toBe('ok');
  });

  test('a small group that fails on the event loop does not refuse the next turn\'s writes', async () => {
    // Deferred work runs as setImmediate's does: what a check phase defers waits for the next one.
    class CheckPhaseClock extends ManualClock {
      #queued: Array<() => void> = [];
      override defer(fn: () => void): void {
        this.#queued.push(fn);
      }
      checkPhase(): void {
        const batch = this.#queued;
        this.#queued = [];
        for (const fn of batch) fn();
      }
    }
    const clock = new CheckPhaseClock();
    const store = openStore(tempDir(), clock, { mapBytes: 1 * MiB, headroomBytes: 0, durability: 'commit' });
    let failure: unknown;
    for (let n = 0; failure === undefined; n += 4) {
      // Four operations: committed on the event loop (SYNC_COMMIT_OPERATIONS_MAX), not by a worker.
      for (let i = n; i < n + 4; i++) store.put('data', key(i), Buffer.alloc(100, 7));
      const outcome = store.commit().then(
        () => undefined,
        (error: unknown) => error,
      );
      clock.checkPhase();
      failure = await outcome;
    }
    expect(failure).toBeInstanceOf(StorageFullError);
    // The next iteration's poll phase, where client and peer input arrive: a DEL that would free
    // space is taken, not refused with the failure of the turn before.
    expect(() => store.delete('data', key(0))).not.toThrow();
    const deleted = store.commit();
    clock.checkPhase();
    await deleted;
    expect(store.get('data', key(0))).toBeUndefined();
  });

  test('errors are classified', () => {
    expect(toStorageError(Object.assign(new Error('MDB_MAP_FULL'), { code: MDB_MAP_FULL }))).toBeInstanceOf(StorageFullError);
    expect(toStorageError(Object.assign(new Error('No space left on device'), { code: 28 }))).toBeInstanceOf(StorageFullError);
    const other = toStorageError(new Error('MDB_CORRUPTED'));
    expect(other).toBeInstanceOf(StorageError);
    expect(other).not.toBeInstanceOf(StorageFullError);
    expect(estimatePutBytes(10, 100, 4096)).toBeGreaterThan(110);
    expect(estimatePutBytes(10, 100_000, 4096)).toBeGreaterThanOrEqual(100_000);
  });
});

describe('LmdbStore directories', () => {
  test('a regular file in the way', () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, 'x');
    expect(() => openStore(file, new ManualClock())).toThrow(/is not a directory/);
    expect(() => openStore(path.join(file, 'sub'), new ManualClock())).toThrow(StorageError);
  });

  test('a directory that is not writable', () => {
    if (process.getuid?.() === 0) return; // root can write anywhere
    const dir = tempDir();
    fs.chmodSync(dir, 0o500);
    try {
      expect(() => openStore(dir, new ManualClock())).toThrow(/not readable and writable/);
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });

  test('a directory holding something that is not LMDB', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'data.mdb'), Buffer.alloc(10_000, 7));
    expect(() => openStore(dir, new ManualClock())).toThrow(/cannot open LMDB environment/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  test('one owner: same process, a live other process, a dead one', async () => {
    const dir = tempDir();
    const store = openStore(dir, new ManualClock());
    expect(() => openStore(dir, new ManualClock())).toThrow(/already open in this process/);
    await store.close();
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => openStore(dir, new ManualClock())).toThrow(new RegExp(`in use by process ${process.ppid}`));
    fs.writeFileSync(path.join(dir, LOCK_FILE), '2147483646\n');
    await openStore(dir, new ManualClock()).close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  test('bad mapBytes', () => {
    expect(() => openStore(tempDir(), new ManualClock(), { mapBytes: 0 })).toThrow(/mapBytes/);
  });
});

describe("LmdbStore 'commit' durability", () => {
  test('background sync runs on the clock and close waits for nothing', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const store = openStore(dir, clock, { durability: 'commit' });
    store.put('data', key(1), Buffer.from('v'));
    clock.runDeferred();
    await store.commit(); // committed: the background sync has something to flush
    clock.advance(1000); // the interval starts an fdatasync
    store.put('data', key(2), Buffer.from('w'));
    await store.close(); // while that fdatasync may still be in flight
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = openStore(dir, clock);
    expect(again.get('data', key(2))).toEqual(Buffer.from('w'));
  });
});
