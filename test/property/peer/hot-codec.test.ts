/**
 * The hand-written codec of the replica envelopes (src/peer/hot-codec.ts) against protobufjs:
 * it writes the same bytes, decodes to the same Envelope, and on corrupted or unusual input gives
 * exactly what the protobufjs path gives (it declines and that path answers).
 */
import fc from 'fast-check';
import { dynkv } from '../../../src/generated/proto';
import type { Body } from '../../../src/peer/bodies';
import { decodeEnvelope, decodeEnvelopeWithProtobufjs, encodeEnvelope, type Envelope } from '../../../src/peer/codec';
import { encodeFrame } from '../../../src/peer/frame-encoder';
import { decodeHotEnvelope, encodeHotFrame } from '../../../src/peer/hot-codec';

const uint32Arb = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const generationArb = fc.option(uint32Arb, { nil: undefined });
const bufferArb = fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 60, maxLength: 200 })).map((bytes) => Buffer.from(bytes));
const textArb = fc.oneof(fc.constantFrom('', 'node-a', 'n1.0badcafe', 'n\u00e9', '\u{1F600}'), fc.string({ maxLength: 12 }));

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ kind: fc.constant('replicaRead' as const), key: bufferArb, partition: uint32Arb, hintFor: textArb, flushGeneration: generationArb }),
  fc.record({ kind: fc.constant('replicaReadReply' as const), record: bufferArb, found: fc.boolean(), flushGeneration: generationArb }),
  fc.record({ kind: fc.constant('replicaWrite' as const), key: bufferArb, partition: uint32Arb, record: bufferArb, hintFor: textArb, flushGeneration: generationArb }),
  fc.record({ kind: fc.constant('replicaWriteReply' as const), flushGeneration: generationArb }),
  fc.record({
    kind: fc.constant('replicaWriteBatch' as const),
    writes: fc.array(fc.record({ key: bufferArb, partition: uint32Arb, record: bufferArb, hintFor: textArb, flushGeneration: generationArb }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('replicaWriteBatchReply' as const),
    outcomes: fc.array(fc.oneof(fc.constant({}), fc.record({ error: fc.record({ code: fc.oneof(fc.constantFrom('UNAVAILABLE', 'BAD_REQUEST'), textArb), message: textArb }) })), { maxLength: 4 }),
    flushGeneration: generationArb,
  }),
);

const envelopeArb: fc.Arbitrary<Envelope> = fc.record({
  protocolVersion: fc.oneof(fc.constantFrom(1, 2), uint32Arb),
  from: textArb,
  requestId: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(2 ** 49, 2 ** 53 - 1), fc.maxSafeNat()),
  body: bodyArb,
});

const isAscii = (text: string) => [...text].every((c) => c.charCodeAt(0) < 0x80);
/** The strings of a body the hot codec writes only when ASCII. */
const textsOf = (body: Body): string[] => {
  if (body.kind === 'replicaWriteBatch') return body.writes.map((write) => write.hintFor);
  if (body.kind === 'replicaWriteBatchReply') return body.outcomes.flatMap((outcome) => (outcome.error ? [outcome.error.code, outcome.error.message] : []));
  return 'hintFor' in body ? [body.hintFor] : [];
};
const allAscii = (body: Body) => textsOf(body).every(isAscii);
/** An outcome with an empty error code reads as "stored" (as protobufjs gives it): the hot decoder leaves that to protobufjs. */
const hotDecodable = (body: Body) => allAscii(body) && (body.kind !== 'replicaWriteBatchReply' || body.outcomes.every((outcome) => outcome.error?.code !== ''));

/** The frame as protobufjs writes it. */
function referenceFrame(envelope: Envelope): Buffer {
  const body = encodeEnvelope(envelope);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

describe('hot codec', () => {
  test('encodes byte for byte as protobufjs, and declines only non-ASCII strings', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const hot = encodeHotFrame(envelope);
        if (isAscii(envelope.from) && allAscii(envelope.body)) expect(hot).toBeDefined();
        if (hot !== undefined) expect(hot.equals(referenceFrame(envelope))).toBe(true);
        expect(encodeFrame(envelope).equals(referenceFrame(envelope))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('decodes to what the protobufjs path decodes, and takes every ASCII envelope itself', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const bytes = referenceFrame(envelope).subarray(4);
        const expected = decodeEnvelopeWithProtobufjs(bytes);
        expect(decodeEnvelope(bytes)).toEqual(expected);
        const hot = decodeHotEnvelope(bytes);
        if (envelope.protocolVersion > 0 && isAscii(envelope.from) && hotDecodable(envelope.body)) {
          expect(hot).toBeDefined();
          expect(expected).toEqual({ ok: true, envelope: hot });
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('corrupted bytes decode (or fail) exactly as through protobufjs', () => {
    const mutationArb = fc.oneof(
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(envelopeArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (envelope, mutations) => {
        let bytes = Buffer.from(referenceFrame(envelope).subarray(4));
        for (const m of mutations) {
          const at = bytes.length === 0 ? 0 : m.at % bytes.length;
          if (m.op === 'set' && bytes.length > 0) bytes[at] = m.value;
          else if (m.op === 'truncate') bytes = bytes.subarray(0, at);
          else if (m.op === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.value]), bytes.subarray(at)]);
          else if (m.op === 'remove') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        }
        expect(decodeEnvelope(bytes)).toEqual(decodeEnvelopeWithProtobufjs(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  test('fields left out, reordered or repeated are decoded as protobufjs decodes them', () => {
    const raw = (message: dynkv.peer.IEnvelope) => Buffer.from(dynkv.peer.Envelope.encode(message).finish());
    const header = { protocolVersion: 1, from: 'node-a', requestId: 7 };
    const cases: Buffer[] = [
      raw({ ...header, replicaRead: {} }),
      raw({ ...header, replicaRead: { partition: 3 } }),
      raw({ ...header, isResponse: true, replicaReadReply: { found: true } }),
      raw({ ...header, isResponse: true, replicaWriteReply: {} }),
      raw({ from: 'node-a', requestId: 7, replicaWrite: { key: Buffer.from('k') } }),
      raw({ ...header, isResponse: false, replicaWriteReply: {} }),
      // The body first, the header after it.
      Buffer.concat([raw({ replicaWrite: { key: Buffer.from('k'), partition: 2 } }), raw({ ...header, isResponse: false })]),
      // A field twice: protobufjs keeps the last.
      Buffer.concat([raw({ ...header, isResponse: false, replicaRead: { partition: 1 } }), Buffer.from([0xc2, 0x02, 0x02, 0x10, 0x05])]),
      // A body field twice (protobufjs keeps the last), and one out of order.
      Buffer.concat([raw({ ...header, isResponse: false }), Buffer.from([0xc2, 0x02, 0x04, 0x10, 0x01, 0x10, 0x05])]),
      Buffer.concat([raw({ ...header, isResponse: false }), Buffer.from([0xd2, 0x02, 0x06, 0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62])]),
      Buffer.concat([raw({ ...header, isResponse: false }), Buffer.from([0xc2, 0x02, 0x05, 0x10, 0x05, 0x0a, 0x01, 0x61])]),
      // Unknown fields inside and after the body.
      Buffer.concat([raw({ ...header, isResponse: false }), Buffer.from([0xc2, 0x02, 0x04, 0x10, 0x05, 0x78, 0x01])]),
      Buffer.concat([raw({ ...header, isResponse: true, replicaWriteReply: { flushGeneration: 3 } }), Buffer.from([0xa0, 0x06, 0x01])]),
      // A five-byte varint above 2^32, and an overlong request id.
      Buffer.concat([Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0x1f]), raw({ from: 'a', requestId: 1, isResponse: false, replicaRead: {} })]),
      Buffer.concat([raw({ protocolVersion: 1, from: 'a' }), Buffer.from([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), raw({ isResponse: false, replicaRead: {} })]),
    ];
    for (const bytes of cases) expect(decodeEnvelope(bytes)).toEqual(decodeEnvelopeWithProtobufjs(bytes));
  });
});
