import { mergeScan, stagedEntries } from '../../../src/storage/overlay-scan';
import type { KeyRange } from '../../../src/storage/store';
import { WriteGroup } from '../../../src/storage/write-group';

const b = (...bytes: number[]) => Buffer.from(bytes);
const hex = (buffer: Buffer) => buffer.toString('hex');

/** A group of staged writes on table 'data' (null = delete); the dbi is irrelevant here. */
function group(writes: Array<[Buffer, Buffer | null]>): WriteGroup<null> {
  const out = new WriteGroup<null>();
  for (const [key, value] of writes) out.stage('data', null, key, value);
  return out;
}

/** Committed entries served the way LmdbStore's cursor does: after `after`, `size` at a time. */
function chunks(committed: Array<[Buffer, Buffer]>, size: number) {
  const sorted = [...committed].sort((x, y) => Buffer.compare(x[0], y[0]));
  const calls: Array<string | undefined> = [];
  const nextChunk = (after: Buffer | undefined): Buffer[] => {
    calls.push(after === undefined ? undefined : hex(after));
    const from = after === undefined ? 0 : sorted.findIndex(([key]) => Buffer.compare(key, after) > 0);
    if (from < 0) return [];
    return sorted.slice(from, from + size).flatMap(([key, value]) => [Buffer.from(key), Buffer.from(value)]);
  };
  return { nextChunk, calls };
}

function collect(staged: Array<[Buffer, Buffer | null]>, nextChunk: (after: Buffer | undefined) => Buffer[], limit = Infinity): string[] {
  const out: string[] = [];
  mergeScan(staged, nextChunk, (key, value) => {
    out.push(`${hex(key)}=${hex(value)}`);
    return out.length < limit;
  });
  return out;
}

describe('stagedEntries', () => {
  test('the newest group wins, deletes stay as null, other tables are ignored, order is by bytes', () => {
    const older = group([
      [b(0x10), b(1)],
      [b(0x20), b(1)],
      [b(0x30), null],
      [b(0xff), b(1)],
    ]);
    const newer = group([
      [b(0x20), null],
      [b(0x30), b(2)],
      [b(0x00), b(2)],
      [b(0x00, 0x00), b(2)],
    ]);
    newer.stage('meta', null, b(0x15), b(9));
    const range: KeyRange = {};
    const staged = stagedEntries([older, undefined, newer], 'data', range);
    expect(staged.map(([key, value]) => [hex(key), value === null ? null : hex(value)])).toEqual([
      ['00', '02'],
      ['0000', '02'],
      ['10', '01'],
      ['20', null],
      ['30', '02'],
      ['ff', '01'],
    ]);
    expect(stagedEntries([undefined, new WriteGroup<null>()], 'data', range)).toEqual([]);
    expect(stagedEntries([newer], 'meta', range).map(([key]) => hex(key))).toEqual(['15']);
  });

  test('ranges: start inclusive, end exclusive, keys longer than a bound', () => {
    const groupOf = group([b(1), b(2), b(2, 0), b(3), b(4)].map((key) => [key, key]));
    const keys = (range: KeyRange) => stagedEntries([groupOf], 'data', range).map(([key]) => hex(key));
    expect(keys({ start: b(2), end: b(4) })).toEqual(['02', '0200', '03']);
    expect(keys({ start: b(2, 0) })).toEqual(['0200', '03', '04']);
    expect(keys({ end: b(2, 0) })).toEqual(['01', '02']);
    expect(keys({ start: b(3), end: b(3) })).toEqual([]);
    expect(keys({ start: Buffer.alloc(0), end: Buffer.alloc(0) })).toEqual([]);
  });
});

describe('mergeScan', () => {
  const committed: Array<[Buffer, Buffer]> = [1, 3, 5, 7, 9].map((n) => [b(n), b(n)]);

  test.each([1, 2, 100])('staged puts replace, staged deletes hide, staged keys fill gaps (chunks of %i)', (size) => {
    const staged: Array<[Buffer, Buffer | null]> = [
      [b(0), b(0xa0)],
      [b(3), null],
      [b(4), b(0xa4)],
      [b(5), b(0xa5)],
      [b(9), null],
      [b(10), b(0xaa)],
      [b(11), null],
    ];
    const { nextChunk } = chunks(committed, size);
    expect(collect(staged, nextChunk)).toEqual(['00=a0', '01=01', '04=a4', '05=a5', '07=07', '0a=aa']);
  });

  test('a staged delete of every committed key leaves nothing', () => {
    const staged = committed.map(([key]): [Buffer, Buffer | null] => [key, null]);
    expect(collect(staged, chunks(committed, 2).nextChunk)).toEqual([]);
  });

  test('stops as soon as visit says so, on a staged or a committed entry, without reading further', () => {
    const staged: Array<[Buffer, Buffer | null]> = [[b(2), b(0xa2)]];
    const onStaged = chunks(committed, 1);
    expect(collect(staged, onStaged.nextChunk, 2)).toEqual(['01=01', '02=a2']);
    // The staged key is placed by the committed key after it, so that chunk was read; no more.
    expect(onStaged.calls).toEqual([undefined, '01']);
    const onCommitted = chunks(committed, 1);
    expect(collect(staged, onCommitted.nextChunk, 3)).toEqual(['01=01', '02=a2', '03=03']);
    expect(onCommitted.calls).toEqual([undefined, '01']);
  });

  test('resumes each chunk after the last committed key, and asks until a chunk is empty', () => {
    const { nextChunk, calls } = chunks(committed, 2);
    expect(collect([], nextChunk)).toHaveLength(5);
    expect(calls).toEqual([undefined, '03', '07', '09']);
  });

  test('visit owns what it gets: changing keys and values alters neither the staged entries nor the scan', () => {
    const stagedValue = b(0xa4);
    const staged: Array<[Buffer, Buffer | null]> = [
      [b(4), stagedValue],
      [b(5), b(0xa5)],
    ];
    const { nextChunk } = chunks(committed, 2);
    const seen: string[] = [];
    mergeScan(staged, nextChunk, (key, value) => {
      seen.push(`${hex(key)}=${hex(value)}`);
      // Overwrite with bytes that sort first: a scan resuming from a changed key would loop
      // (the cap turns that into a failure rather than a hang).
      key.fill(0);
      value.fill(0);
      return seen.length < 20;
    });
    expect(seen).toEqual(['01=01', '03=03', '04=a4', '05=a5', '07=07', '09=09']);
    expect(stagedValue).toEqual(b(0xa4));
  });
});
