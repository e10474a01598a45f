import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ManualClock } from '../../src/lib/clock';
import { createSilentLogger } from '../../src/lib/log';
import { LmdbStore } from '../../src/storage/lmdb-store';
import { MemoryStore } from '../../src/storage/memory-store';
import { StorageFullError, TABLES, type Store, type Table } from '../../src/storage/store';

/**
 * Random sequences of writes, reads, scans, turn ends, crashes/restarts and full disks, run against
 * each Store and against a plain Map model of the contract (staged overlay over committed state).
 * LmdbStore commits on a worker thread; its 'flush' op ends a turn without waiting, so later ops run
 * while that batch is in flight and stage the next group behind it.
 */

// Few keys, with shared prefixes and the extreme bytes, so ranges and overwrites collide often.
const KEYS = [[0x00], [0x00, 0x00], [0x00, 0xff], [0x01], [0x61, 0x62], [0x7f], [0x80], [0xff], [0xff, 0x00], [0xff, 0xff]].map(
  (bytes) => Buffer.from(bytes),
);

type Op =
  | { kind: 'put'; table: Table; key: number; value: Uint8Array }
  | { kind: 'delete'; table: Table; key: number }
  | { kind: 'get'; table: Table; key: number }
  | { kind: 'scan'; table: Table; start?: number; end?: number; limit: number }
  | { kind: 'endTurn' }
  | { kind: 'flush' }
  | { kind: 'restart' }
  | { kind: 'full'; full: boolean };

const table = fc.constantFrom<Table>(...TABLES.slice(0, 2));
const keyIndex = fc.nat({ max: KEYS.length - 1 });
const baseOps = [
  fc.record({ kind: fc.constant('put' as const), table, key: keyIndex, value: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), table, key: keyIndex }),
  fc.record({ kind: fc.constant('get' as const), table, key: keyIndex }),
  fc.record(
    { kind: fc.constant('scan' as const), table, start: keyIndex, end: keyIndex, limit: fc.integer({ min: 1, max: 12 }) },
    { requiredKeys: ['kind', 'table', 'limit'] },
  ),
  fc.constant({ kind: 'endTurn' as const }),
  fc.constant({ kind: 'restart' as const }),
];
const memoryOps = fc.array(fc.oneof(...baseOps, fc.record({ kind: fc.constant('full' as const), full: fc.boolean() })), {
  maxLength: 60,
});
const lmdbOps = fc.array(fc.oneof(...baseOps, fc.constant({ kind: 'flush' as const })), { maxLength: 40 });

class Model {
  readonly committed = new Map<string, Buffer>();
  staged = new Map<string, Buffer | null>();
  groupOpen = false;
  groupHasPuts = false;
  turnFailed = false;
  full = false;

  view(table: Table, key: Buffer): Buffer | undefined {
    const id = `${table}:${key.toString('hex')}`;
    const staged = this.staged.get(id);
    return staged === undefined ? this.committed.get(id) : (staged ?? undefined);
  }

  scan(table: Table, start: Buffer | undefined, end: Buffer | undefined, limit: number): string[] {
    return KEYS.filter((key) => (!start || Buffer.compare(key, start) >= 0) && (!end || Buffer.compare(key, end) < 0))
      .sort(Buffer.compare)
      .flatMap((key) => {
        const value = this.view(table, key);
        return value === undefined ? [] : [`${key.toString('hex')}=${value.toString('hex')}`];
      })
      .slice(0, limit);
  }

  stage(table: Table, key: Buffer, value: Buffer | null): void {
    this.staged.set(`${table}:${key.toString('hex')}`, value);
    this.groupOpen = true;
    if (value) this.groupHasPuts = true;
  }

  /** The turn ends; returns whether commit() should resolve. */
  endTurn(): boolean {
    const ok = !this.turnFailed && !(this.groupOpen && this.full && this.groupHasPuts);
    if (ok) this.applyStaged();
    this.dropStaged();
    this.turnFailed = false;
    return ok;
  }

  applyStaged(): void {
    for (const [id, value] of this.staged) {
      if (value) this.committed.set(id, value);
      else this.committed.delete(id);
    }
  }

  dropStaged(): void {
    this.staged = new Map();
    this.groupOpen = false;
    this.groupHasPuts = false;
  }
}

interface Subject {
  store: Store;
  /** Memory: crash (staged writes lost). LMDB: close and reopen (staged writes committed by close). */
  restart(model: Model): void | Promise<void>;
  setFull?(full: boolean): void;
  dispose(): Promise<void>;
}

async function run(ops: Op[], subject: Subject, clock: ManualClock): Promise<void> {
  const model = new Model();
  for (const op of ops) {
    const { store } = subject;
    switch (op.kind) {
      case 'put': {
        const value = Buffer.from(op.value);
        if (model.turnFailed || model.full) {
          expect(() => store.put(op.table, KEYS[op.key]!, value)).toThrow(StorageFullError);
          if (!model.turnFailed) model.dropStaged();
          model.turnFailed = true;
        } else {
          store.put(op.table, KEYS[op.key]!, value);
          model.stage(op.table, KEYS[op.key]!, value);
        }
        break;
      }
      case 'delete':
        if (model.turnFailed) {
          expect(() => store.delete(op.table, KEYS[op.key]!)).toThrow(StorageFullError);
        } else {
          store.delete(op.table, KEYS[op.key]!);
          model.stage(op.table, KEYS[op.key]!, null);
        }
        break;
      case 'get':
        expect(store.get(op.table, KEYS[op.key]!)).toEqual(model.view(op.table, KEYS[op.key]!));
        break;
      case 'scan': {
        const start = op.start === undefined ? undefined : KEYS[op.start];
        const end = op.end === undefined ? undefined : KEYS[op.end];
        const seen: string[] = [];
        store.scan(op.table, { start, end }, (key, value) => {
          seen.push(`${key.toString('hex')}=${value.toString('hex')}`);
          return seen.length < op.limit;
        });
        expect(seen).toEqual(model.scan(op.table, start, end, op.limit));
        break;
      }
      case 'endTurn': {
        const outcome = store.commit().then(
          () => true,
          () => false,
        );
        clock.runDeferred();
        expect(await outcome).toBe(model.endTurn());
        break;
      }
      case 'flush':
        // End the turn without awaiting its commit. Without full disks (LMDB ops have none) every
        // group commits, so the model may count it committed; reads must not tell the difference.
        clock.runDeferred();
        model.applyStaged();
        model.dropStaged();
        break;
      case 'restart':
        await subject.restart(model);
        break;
      case 'full':
        subject.setFull?.(op.full);
        model.full = op.full;
        break;
    }
  }
  for (const t of TABLES) expect(subjectScan(subject.store, t)).toEqual(model.scan(t, undefined, undefined, Infinity));
}

function subjectScan(store: Store, t: Table): string[] {
  const out: string[] = [];
  store.scan(t, {}, (key, value) => (out.push(`${key.toString('hex')}=${value.toString('hex')}`), true));
  return out;
}

test('MemoryStore behaves as the model', async () => {
  await fc.assert(
    fc.asyncProperty(memoryOps, async (ops) => {
      const clock = new ManualClock();
      const store = new MemoryStore({ clock });
      const subject: Subject = {
        store,
        restart(model) {
          store.crash();
          store.reopen();
          model.dropStaged();
          model.turnFailed = false;
        },
        setFull: (full) => store.setFull(full),
        dispose: () => store.close(),
      };
      try {
        await run(ops, subject, clock);
      } finally {
        await subject.dispose();
      }
    }),
    { numRuns: 300 },
  );
});

test('LmdbStore behaves as the model', async () => {
  await fc.assert(
    fc.asyncProperty(lmdbOps, async (ops) => {
      const clock = new ManualClock();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-model-'));
      const open = () =>
        LmdbStore.open({ path: dir, mapBytes: 8 << 20, durability: 'commit', clock, logger: createSilentLogger() });
      const subject: Subject = {
        store: open(),
        async restart(model) {
          await subject.store.close();
          subject.store = open();
          if (!model.turnFailed) model.applyStaged();
          model.dropStaged();
          model.turnFailed = false;
        },
        async dispose() {
          await subject.store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
      try {
        await run(ops, subject, clock);
      } finally {
        await subject.dispose();
      }
    }),
    { numRuns: 60 },
  );
});
