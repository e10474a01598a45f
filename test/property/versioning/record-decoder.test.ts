/**
 * The hand-written record decoder against protobufjs: every record either encoder writes decodes
 * to the same set through both, it takes every such record with ASCII actors itself, and on
 * corrupted or unusual bytes decodeRecord gives exactly what the protobufjs path gives (the same
 * set, or the same InvalidRecordError).
 */
import fc from 'fast-check';
import type { ClockEntry, DvvSet, ValueKind, Version } from '../../../src/versioning/dvvset';
import { decodeRecord, decodeRecordWithProtobufjs, encodeWithProtobufjs } from '../../../src/versioning/record-codec';
import { decodeRecordFast } from '../../../src/versioning/record-decoder';

const uintArb = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(127, 128, 16383, 16384, 2 ** 32 - 1, 2 ** 32, 2 ** 49, 2 ** 53 - 1), fc.maxSafeNat());

const versionArb: fc.Arbitrary<Version> = fc.record({
  data: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 60, maxLength: 200 })).map((bytes) => Buffer.from(bytes)),
  tombstone: fc.boolean(),
  timestampMs: uintArb,
  expiresAtMs: uintArb,
  flushGeneration: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.constant(2 ** 32 - 1)),
  kind: fc.constantFrom<ValueKind>('string', 'counter', 'set'),
});

const entryArb: fc.Arbitrary<ClockEntry> = fc.record({
  actor: fc.oneof(fc.constantFrom('a', 'n1.0badcafe', 'n\u00e9', ''), fc.string({ maxLength: 12 })),
  counter: uintArb,
  versions: fc.array(versionArb, { maxLength: 3 }),
  updatedMs: uintArb,
});

const setArb: fc.Arbitrary<DvvSet> = fc.array(entryArb, { maxLength: 4 }).map((entries) => ({ entries }));

/** decodeRecord's outcome: the set, or the error's message. */
function outcome(decode: () => DvvSet): { set: DvvSet } | { error: string } {
  try {
    return { set: decode() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('decodeRecordFast', () => {
  test('decodes what protobufjs writes to what the protobufjs path decodes, and takes every ASCII record itself', () => {
    fc.assert(
      fc.property(setArb, (set) => {
        const bytes = encodeWithProtobufjs(set);
        expect(outcome(() => decodeRecord(bytes))).toEqual(outcome(() => decodeRecordWithProtobufjs(bytes)));
        if (set.entries.every((entry) => /^[\x00-\x7f]*$/.test(entry.actor))) expect(decodeRecordFast(bytes)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  test('corrupted bytes decode (or fail) exactly as through protobufjs', () => {
    const mutationArb = fc.record({ op: fc.constantFrom('set', 'truncate', 'insert', 'remove'), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(setArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (set, mutations) => {
        let bytes = Buffer.from(encodeWithProtobufjs(set));
        for (const { op, at, value } of mutations) {
          const i = bytes.length === 0 ? 0 : at % bytes.length;
          if (op === 'set' && bytes.length > 0) bytes[i] = value;
          else if (op === 'truncate') bytes = bytes.subarray(0, i);
          else if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
          else if (op === 'remove' && bytes.length > 0) bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
        }
        expect(outcome(() => decodeRecord(bytes))).toEqual(outcome(() => decodeRecordWithProtobufjs(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  test('leaves unknown fields, unknown kinds and unsafe numbers to protobufjs', () => {
    const unknownField = Buffer.from([0x0a, 0x05, 0x0a, 0x01, 0x61, 0x78, 0x01]); // entry { actor 'a', field 15 varint }
    expect(decodeRecordFast(unknownField)).toBeUndefined();
    const unknownKind = Buffer.from([0x0a, 0x09, 0x0a, 0x01, 0x61, 0x10, 0x01, 0x1a, 0x02, 0x28, 0x07]);
    expect(decodeRecordFast(unknownKind)).toBeUndefined();
    expect(() => decodeRecord(unknownKind)).toThrow(/unknown value kind 7/);
    const unsafeCounter = Buffer.from([0x0a, 0x0d, 0x0a, 0x01, 0x61, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(decodeRecordFast(unsafeCounter)).toBeUndefined();
    expect(() => decodeRecord(unsafeCounter)).toThrow(/counter is not a safe integer/);
  });
});
