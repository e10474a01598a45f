import fc from 'fast-check';
import { mergeScan, stagedEntries } from '../../src/storage/overlay-scan';
import type { KeyRange } from '../../src/storage/store';
import { WriteGroup } from '../../src/storage/write-group';

/**
 * LmdbStore's scan = committed entries (read in cursor chunks) merged with the staged groups (in
 * flight, then pending). Checked against brute force on a Map: apply the groups oldest first,
 * filter the range, sort, cut at the limit.
 */

// Short keys over few byte values: prefixes, 0x00/0xff and collisions between groups are common.
const keyBytes = fc.uint8Array({ minLength: 1, maxLength: 3 }).map((bytes) => Buffer.from(bytes.map((byte) => [0x00, 0x01, 0x7f, 0x80, 0xff][byte % 5]!)));
const value = fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes));
const write = fc.tuple(keyBytes, fc.option(value, { nil: null }));
const bound = fc.option(fc.oneof(keyBytes, fc.constant(Buffer.alloc(0))), { nil: undefined });

const scenario = fc.record({
  committed: fc.array(fc.tuple(keyBytes, value), { maxLength: 20 }),
  // Up to two groups (in flight, pending); either may be absent, as in LmdbStore.
  groups: fc.array(fc.option(fc.array(write, { maxLength: 10 }), { nil: undefined }), { maxLength: 2 }),
  start: bound,
  end: bound,
  limit: fc.integer({ min: 1, max: 30 }),
  chunkSize: fc.integer({ min: 1, max: 5 }),
});

const latin1 = (key: Buffer) => key.toString('latin1');
const show = (key: Buffer, value: Buffer) => `${key.toString('hex')}=${value.toString('hex')}`;

test('mergeScan over stagedEntries equals a brute-force merge of a Map model', () => {
  fc.assert(
    fc.property(scenario, ({ committed, groups, start, end, limit, chunkSize }) => {
      const range: KeyRange = { start, end };
      const inRange = (key: Buffer) => (start === undefined || Buffer.compare(key, start) >= 0) && (end === undefined || Buffer.compare(key, end) < 0);

      // The model: one Map, committed first, then each group's writes in order.
      const model = new Map<string, Buffer>();
      for (const [key, v] of committed) model.set(latin1(key), v);
      const writeGroups = groups.map((writes) => {
        if (writes === undefined) return undefined;
        const group = new WriteGroup<null>();
        for (const [key, v] of writes) {
          group.stage('data', null, Buffer.from(key), v);
          if (v === null) model.delete(latin1(key));
          else model.set(latin1(key), v);
        }
        return group;
      });
      const expected = [...model.entries()]
        .map(([text, v]): [Buffer, Buffer] => [Buffer.from(text, 'latin1'), v])
        .filter(([key]) => inRange(key))
        .sort((x, y) => Buffer.compare(x[0], y[0]))
        .slice(0, limit)
        .map(([key, v]) => show(key, v));

      // The committed side as a cursor would serve it: distinct keys in order, within the range.
      const committedMap = new Map<string, Buffer>();
      for (const [key, v] of committed) committedMap.set(latin1(key), v);
      const sorted = [...committedMap.entries()]
        .map(([text, v]): [Buffer, Buffer] => [Buffer.from(text, 'latin1'), v])
        .filter(([key]) => inRange(key))
        .sort((x, y) => Buffer.compare(x[0], y[0]));
      const nextChunk = (after: Buffer | undefined): Buffer[] => {
        const from = after === undefined ? 0 : sorted.findIndex(([key]) => Buffer.compare(key, after) > 0);
        if (from < 0) return [];
        return sorted.slice(from, from + chunkSize).flatMap(([key, v]) => [Buffer.from(key), Buffer.from(v)]);
      };

      const seen: string[] = [];
      mergeScan(stagedEntries(writeGroups, 'data', range), nextChunk, (key, v) => {
        seen.push(show(key, v));
        return seen.length < limit;
      });
      expect(seen).toEqual(expected);
    }),
    { numRuns: 2000 },
  );
});
