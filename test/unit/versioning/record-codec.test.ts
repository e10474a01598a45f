import { dynkv } from '../../../src/generated/proto';
import { EMPTY_DVVSET, equalSets, type DvvSet } from '../../../src/versioning/dvvset';
import { ON_HEAP_BYTES_MAX } from '../../../src/versioning/owned-bytes';
import { InvalidRecordError, decodeRecord, encodeRecord } from '../../../src/versioning/record-codec';

const SET: DvvSet = {
  entries: [
    {
      actor: 'node-a',
      counter: 4,
      versions: [
        { data: Buffer.from('hello'), tombstone: false, timestampMs: 1_700_000_000_123, expiresAtMs: 1_800_000_000_000 },
        { data: Buffer.alloc(0), tombstone: true, timestampMs: 1_700_000_000_100, expiresAtMs: 0 },
      ],
      updatedMs: 1_700_000_000_123,
    },
    { actor: 'node-b', counter: 2, versions: [], updatedMs: 5 },
    { actor: 'node-c', counter: 1, versions: [{ data: Buffer.alloc(0), tombstone: false, timestampMs: 0, expiresAtMs: 0 }], updatedMs: 0 },
  ],
};

function rawRecord(entries: dynkv.record.IClockEntry[]): Buffer {
  return Buffer.from(dynkv.record.Record.encode({ entries }).finish());
}

describe('encodeRecord / decodeRecord', () => {
  it('round-trips every field, empty data as an empty Buffer', () => {
    const bytes = encodeRecord(SET);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    const back = decodeRecord(bytes);
    expect(equalSets(back, SET)).toBe(true);
    for (const entry of back.entries) {
      for (const version of entry.versions) expect(Buffer.isBuffer(version.data)).toBe(true);
    }
    expect(back.entries[0].versions[1].data.length).toBe(0);
    expect(back.entries[2].versions[0].data.equals(Buffer.alloc(0))).toBe(true);
  });

  it('is deterministic and round-trips the empty set', () => {
    expect(encodeRecord(SET).equals(encodeRecord(decodeRecord(encodeRecord(SET))))).toBe(true);
    expect(encodeRecord(EMPTY_DVVSET).length).toBe(0);
    expect(decodeRecord(Buffer.alloc(0))).toEqual(EMPTY_DVVSET);
  });

  it('decodes small data into memory of its own, larger data as a view of the input', () => {
    const large = Buffer.alloc(ON_HEAP_BYTES_MAX + 1, 'x');
    const set: DvvSet = { entries: [{ actor: 'a', counter: 2, updatedMs: 0, versions: [{ data: Buffer.from('hello'), tombstone: false, timestampMs: 1, expiresAtMs: 0 }, { data: large, tombstone: false, timestampMs: 2, expiresAtMs: 0 }] }] };
    const bytes = encodeRecord(set);
    const [small, big] = decodeRecord(bytes).entries[0].versions.map((version) => version.data);
    // A small value kept in a cache must not keep the frame or record it came in alive.
    expect(small.buffer).not.toBe(bytes.buffer);
    bytes.fill(0);
    expect(small.toString()).toBe('hello');
    // A large one is not copied on the read path.
    expect(big.buffer).toBe(bytes.buffer);
  });

  it('refuses bytes that break the invariants', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from([0xff, 0xff, 0xff]), /not a record/],
      [rawRecord([{ actor: '', counter: 1 }]), /empty actor/],
      [rawRecord([{ actor: 'b', counter: 1 }, { actor: 'a', counter: 1 }]), /sorted/],
      [rawRecord([{ actor: 'a', counter: 1 }, { actor: 'a', counter: 2 }]), /sorted/],
      [rawRecord([{ actor: 'a', counter: 0 }]), /counter/],
      [rawRecord([{ actor: 'a', counter: 1, versions: [{}, {}] }]), /more versions/],
      [rawRecord([{ actor: 'a', counter: 2 ** 53 }]), /safe integer/],
      [rawRecord([{ actor: 'a', counter: 1, versions: [{ timestampMs: 2 ** 60 }] }]), /timestamp_ms/],
    ];
    for (const [bytes, detail] of cases) {
      expect(() => decodeRecord(bytes)).toThrow(InvalidRecordError);
      expect(() => decodeRecord(bytes)).toThrow(detail);
    }
  });
});
