/**
 * The Merkle tree against brute force: the top-down descent finds exactly the segments holding a
 * key whose record differs (or that one side lacks), the key diff of those segments is exactly
 * the set difference, incremental upkeep equals a build from scratch (in memory and through
 * LocalReplica over a store, across failed groups, crashes and clean stops), and replicas holding one DVVSet digest it alike however they got it.
 */
import fc from 'fast-check';
import {
  applyChange,
  buildSegments,
  diffKeyDigests,
  differingSegments,
  recordDigest,
  segmentOf,
  type KeyDigest,
} from '../../../src/antientropy/merkle-tree';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { LocalReplica } from '../../../src/replica/local-replica';
import { MemoryStore } from '../../../src/storage/memory-store';
import { EMPTY_DVVSET, equalSets, sync, update, type DvvSet } from '../../../src/versioning/dvvset';
import { encodeRecord } from '../../../src/versioning/record-codec';
import { anySetArb, reachableSetsArb } from '../versioning/arbitraries';

const keyArb = fc.string({ minLength: 1, maxLength: 6 });
const recordArb = fc.constantFrom('r1', 'r2', 'r3');
/** key -> record text; many shared keys between two replicas, some differing. */
const replicaArb = fc.dictionary(keyArb, recordArb, { maxKeys: 60 });

const b = (text: string) => Buffer.from(text);
const treeOf = (data: Record<string, string>) => buildSegments(Object.entries(data).map(([key, record]) => ({ key: b(key), record: b(record) })));
const digestsOf = (data: Record<string, string>, segments: ReadonlySet<number>): KeyDigest[] =>
  Object.entries(data)
    .filter(([key]) => segments.has(segmentOf(b(key))))
    .map(([key, record]) => ({ key: b(key), digest: recordDigest(b(key), b(record)), reapable: false }));

/** Keys whose records differ between the two (absent counts as a record of its own). */
function bruteForceDifference(a: Record<string, string>, c: Record<string, string>): Set<string> {
  const keys = new Set([...Object.keys(a), ...Object.keys(c)]);
  return new Set([...keys].filter((key) => a[key] !== c[key]));
}

describe('merkle tree', () => {
  it('the top-down descent finds exactly the segments of differing keys', () => {
    fc.assert(
      fc.property(replicaArb, replicaArb, fc.array(keyArb, { maxLength: 20 }), (base, other, shared) => {
        // Mostly overlapping replicas: `other` starts as a copy of `base` with some changes.
        const a = { ...base };
        const c = { ...base, ...other };
        for (const key of shared) delete c[key];
        const expected = new Set([...bruteForceDifference(a, c)].map((key) => segmentOf(b(key))));
        const found = differingSegments(treeOf(a), treeOf(c));
        expect(new Set(found)).toEqual(expected);
        expect(found.length).toBe(new Set(found).size);
      }),
      { numRuns: 300 },
    );
  });

  it('the key diff of the differing segments is the brute-force set difference', () => {
    fc.assert(
      fc.property(replicaArb, replicaArb, (a, c) => {
        const segments = new Set(differingSegments(treeOf(a), treeOf(c)));
        const diff = diffKeyDigests(digestsOf(a, segments), digestsOf(c, segments));
        const names = (entries: readonly { key: Buffer }[] | readonly Buffer[]) =>
          new Set(entries.map((entry) => ('key' in entry ? entry.key : entry).toString()));
        const expected = bruteForceDifference(a, c);
        expect(names(diff.localOnly)).toEqual(new Set([...expected].filter((key) => !(key in c))));
        expect(names(diff.remoteOnly)).toEqual(new Set([...expected].filter((key) => !(key in a))));
        expect(names(diff.differing)).toEqual(new Set([...expected].filter((key) => key in a && key in c)));
      }),
      { numRuns: 300 },
    );
  });

  it('incremental upkeep equals a build from scratch', () => {
    const opArb = fc.tuple(keyArb, fc.option(recordArb, { nil: undefined }));
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const data: Record<string, string> = {};
        const segments = new Map<number, Buffer>();
        for (const [key, record] of ops) {
          const previous = data[key];
          applyChange(segments, b(key), previous === undefined ? undefined : b(previous), record === undefined ? undefined : b(record));
          if (record === undefined) delete data[key];
          else data[key] = record;
        }
        expect(segments).toEqual(treeOf(data));
      }),
      { numRuns: 300 },
    );
  });

  it('LocalReplica keeps its trees equal to a build over its data, across a crash, a clean stop and failed groups', async () => {
    const versionArb = fc.record({ text: fc.constantFrom('', 'a', 'bb'), tombstone: fc.boolean() });
    const opArb = fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.option(versionArb, { nil: undefined }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 12 }), { maxLength: 5 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (groups, diskFull) => {
        const clock = new ManualClock();
        const store = new MemoryStore({ clock, logger: createSilentLogger() });
        const replica = new LocalReplica({ store, clock, logger: createSilentLogger(), partitionCount: 4, tombstoneGraceMs: 1000 });
        /** What the store committed, by key. */
        const data = new Map<string, DvvSet>();
        let counter = 0;
        for (const [g, ops] of groups.entries()) {
          // A group of writes (some of them the same key), then a commit that may fail (a full disk).
          const staged = new Map<string, DvvSet>();
          for (const [key, version] of ops) {
            const partition = replica.partitionOf(b(key));
            const current = replica.read(partition, b(key));
            counter++;
            const next =
              version === undefined
                ? EMPTY_DVVSET
                : update(current, new Map(), 'n1', { data: b(version.text), tombstone: version.tombstone, timestampMs: counter, expiresAtMs: 0 }, counter);
            replica.write(partition, b(key), current, next);
            staged.set(key, next);
          }
          store.setFull(diskFull[g] === true);
          const committed = replica.commit();
          clock.runDeferred();
          const ok = await committed.then(
            () => true,
            () => false,
          );
          store.setFull(false);
          if (ok) for (const [key, set] of staged) data.set(key, set);
        }
        const expectTreesMatch = (subject: LocalReplica) => {
          for (let partition = 0; partition < 4; partition++) {
            const records = [...data]
              .filter(([key, set]) => set.entries.length > 0 && subject.partitionOf(b(key)) === partition)
              .map(([key, set]) => ({ key: b(key), record: encodeRecord(set) }));
            expect(subject.trees.segments(partition)).toEqual(buildSegments(records));
          }
        };
        expectTreesMatch(replica);
        // A crash: no checkpoint, so the trees are built from the data.
        expectTreesMatch(new LocalReplica({ store, clock, logger: createSilentLogger(), partitionCount: 4, tombstoneGraceMs: 1000 }));
        // A clean stop saves them; the next start loads them.
        replica.checkpoint();
        await store.close();
        store.reopen();
        expectTreesMatch(new LocalReplica({ store, clock, logger: createSilentLogger(), partitionCount: 4, tombstoneGraceMs: 1000 }));
      }),
      { numRuns: 150 },
    );
  });

  describe('the checkpoint marker', () => {
    const setup = () => {
      const clock = new ManualClock();
      const store = new MemoryStore({ clock, logger: createSilentLogger() });
      const start = () => new LocalReplica({ store, clock, logger: createSilentLogger(), partitionCount: 4, tombstoneGraceMs: 1000 });
      const commit = (replica: LocalReplica) => {
        const committed = replica.commit().then(
          () => true,
          () => false,
        );
        clock.runDeferred();
        return committed;
      };
      const set = (replica: LocalReplica, key: string, text: string) => {
        const partition = replica.partitionOf(b(key));
        const current = replica.read(partition, b(key));
        replica.write(partition, b(key), current, update(current, new Map(), 'n1', { data: b(text), tombstone: false, timestampMs: 1, expiresAtMs: 0 }, 1));
      };
      /** Whether `replica`'s trees are exactly a build over what the store holds. */
      const matchesData = (replica: LocalReplica) =>
        [0, 1, 2, 3].every((partition) => {
          const records: Array<{ key: Buffer; record: Buffer }> = [];
          store.scan('data', {}, (storeKey, value) => {
            if (storeKey.readUInt16BE(0) === partition) records.push({ key: Buffer.from(storeKey.subarray(2)), record: Buffer.from(value) });
            return true;
          });
          const built = buildSegments(records);
          const mine = replica.trees.segments(partition);
          return mine.size === built.size && [...built].every(([segment, hash]) => mine.get(segment)?.equals(hash));
        });
      /** Write three keys, save a checkpoint, then put a bogus segment in it: a start that loads it shows the bogus one. */
      const tamperedCheckpoint = async () => {
        const replica = start();
        for (const key of ['a', 'b', 'c']) set(replica, key, key);
        replica.checkpoint();
        await commit(replica);
        store.put('merkle', Buffer.from([0, 0, 0, 1]), Buffer.alloc(16, 7));
        await commit(replica);
      };
      const loadedTampered = (replica: LocalReplica) => replica.trees.segments(0).get(1)?.equals(Buffer.alloc(16, 7)) === true;
      return { store, start, commit, set, matchesData, tamperedCheckpoint, loadedTampered };
    };

    it('is loaded at start, and stays valid until a group with a data write commits', async () => {
      const { start, commit, set, tamperedCheckpoint, loadedTampered, matchesData } = setup();
      await tamperedCheckpoint();
      // Started, nothing written, crashed: the data is still what the checkpoint says.
      expect(loadedTampered(start())).toBe(true);
      const second = start();
      expect(loadedTampered(second)).toBe(true);
      set(second, 'd', 'd');
      expect(await commit(second)).toBe(true);
      // A data write committed since: a crash now builds the trees from the data.
      const third = start();
      expect(loadedTampered(third)).toBe(false);
      expect(matchesData(third)).toBe(true);
    });

    it('survives a failed first group: the next data write that commits removes it', async () => {
      const { store, start, commit, set, tamperedCheckpoint, loadedTampered, matchesData } = setup();
      await tamperedCheckpoint();
      const second = start();
      set(second, 'd', 'd');
      store.setFull(true);
      expect(await commit(second)).toBe(false);
      store.setFull(false);
      set(second, 'e', 'e');
      expect(await commit(second)).toBe(true);
      const third = start();
      expect(loadedTampered(third)).toBe(false);
      expect(matchesData(third)).toBe(true);
    });

    it('is removed by a write after a committed checkpoint, even when that write\'s group fails first', async () => {
      const { store, start, commit, set, matchesData } = setup();
      const replica = start();
      set(replica, 'k', 'one');
      replica.checkpoint();
      expect(await commit(replica)).toBe(true);
      set(replica, 'k', 'two');
      store.setFull(true);
      expect(await commit(replica)).toBe(false);
      store.setFull(false);
      set(replica, 'k', 'three');
      expect(await commit(replica)).toBe(true);
      expect(matchesData(start())).toBe(true);
    });
  });

  it('replicas holding equal DVVSets digest them alike, whatever order they merged in', () => {
    fc.assert(
      fc.property(reachableSetsArb, anySetArb, (sets, extra) => {
        const [x, y, z] = [sets[0]!, sets[1]!, sets[2]!];
        const one = sync(sync(sync(x, y), z), extra);
        const two = sync(extra, sync(z, sync(y, x)));
        expect(equalSets(one, two)).toBe(true);
        const key = b('k');
        expect(recordDigest(key, encodeRecord(one)).equals(recordDigest(key, encodeRecord(two)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
