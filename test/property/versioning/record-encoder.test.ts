/**
 * The hand-written record encoder writes exactly protobufjs's bytes (Merkle digests hash them, so
 * a node with either encoder must agree), and its output decodes back to the set.
 */
import fc from 'fast-check';
import type { ClockEntry, DvvSet, ValueKind, Version } from '../../../src/versioning/dvvset';
import { decodeRecord, encodeWithProtobufjs } from '../../../src/versioning/record-codec';
import { encodeRecordFast } from '../../../src/versioning/record-encoder';

/** Integers around every varint length boundary, up to the largest safe integer. */
const uintArb = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.constantFrom(127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, 2 ** 53 - 1),
  fc.maxSafeNat(),
);

const versionArb: fc.Arbitrary<Version> = fc.record(
  {
    data: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 60, maxLength: 300 })).map((bytes) => Buffer.from(bytes)),
    tombstone: fc.boolean(),
    timestampMs: uintArb,
    expiresAtMs: uintArb,
    flushGeneration: fc.option(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(2 ** 32 - 1)), { nil: undefined }),
    kind: fc.option(fc.constantFrom<ValueKind>('string', 'counter', 'set'), { nil: undefined }),
  },
  { requiredKeys: ['data', 'tombstone', 'timestampMs', 'expiresAtMs'] },
);

const entryArb: fc.Arbitrary<ClockEntry> = fc.record({
  actor: fc.oneof(fc.constantFrom('a', 'n1.0badcafe', 'node-'.repeat(30), 'n\u00e9', '\u{1F600}'), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 })),
  counter: uintArb,
  versions: fc.array(versionArb, { maxLength: 3 }),
  updatedMs: uintArb,
});

const setArb: fc.Arbitrary<DvvSet> = fc.array(entryArb, { maxLength: 4 }).map((entries) => ({ entries }));

describe('encodeRecordFast', () => {
  test('writes the bytes protobufjs writes, or declines (non-ASCII actors only)', () => {
    fc.assert(
      fc.property(setArb, (set) => {
        const fast = encodeRecordFast(set);
        const ascii = set.entries.every((entry) => /^[\x00-\x7f]*$/.test(entry.actor));
        expect(fast === undefined).toBe(!ascii);
        if (fast !== undefined) expect(fast.equals(encodeWithProtobufjs(set))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('declines numbers no valid record holds', () => {
    const version: Version = { data: Buffer.alloc(0), tombstone: false, timestampMs: -1, expiresAtMs: 0 };
    expect(encodeRecordFast({ entries: [{ actor: 'a', counter: 1, versions: [version], updatedMs: 0 }] })).toBeUndefined();
    expect(encodeRecordFast({ entries: [{ actor: 'a', counter: 1.5, versions: [], updatedMs: 0 }] })).toBeUndefined();
  });

  test('a valid set round-trips through it', () => {
    const set: DvvSet = {
      entries: [
        { actor: 'n1.00aa', counter: 3, updatedMs: 1_700_000_000_000, versions: [{ data: Buffer.from('v3'), tombstone: false, timestampMs: 1_700_000_000_001, expiresAtMs: 0 }] },
        { actor: 'n2.ffee', counter: 200, updatedMs: 5, versions: [{ data: Buffer.alloc(0), tombstone: true, timestampMs: 7, expiresAtMs: 0, flushGeneration: 4 }] },
      ],
    };
    const decoded = decodeRecord(encodeRecordFast(set)!);
    expect(decoded).toEqual(set);
  });
});
