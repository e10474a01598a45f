/**
 * The Envelope codec: every body round-trips; bytes that are not a valid Envelope of this
 * version come back as an InvalidEnvelopeError value (never a throw); version numbers are carried,
 * not judged (the handshake judges them).
 */
import fc from 'fast-check';
import { dynkv } from '../../../src/generated/proto';
import type { Body } from '../../../src/peer/bodies';
import { InvalidEnvelopeError, decodeEnvelope, encodeEnvelope, type DecodeResult, type Envelope } from '../../../src/peer/codec';
import { encodeFrame } from '../../../src/peer/frame-encoder';

const bytes = (text: string) => Buffer.from(text);

const BODIES: readonly Body[] = [
  { kind: 'hello', nodeId: 'node-a', versionMin: 1, versionMax: 3, clusterName: 'prod', host: '10.0.0.1', peerPort: 16379, clientPort: 6379 },
  { kind: 'helloAck', version: 2, nodeId: 'node-b' },
  { kind: 'errorReply', code: 'VERSION', message: 'no common version' },
  { kind: 'errorReply', code: 'SOMETHING_NEWER', message: '' },
  { kind: 'ping' },
  { kind: 'pong' },
  { kind: 'gossipPush', state: bytes('members'), flushGeneration: 3 },
  { kind: 'gossipPush', state: Buffer.alloc(0), flushGeneration: 0 },
  { kind: 'gossipReply', state: Buffer.from([0, 1, 2, 255]), flushGeneration: 0 },
  { kind: 'replicaRead', key: bytes('user:1'), partition: 63, hintFor: 'n-down', flushGeneration: 0 },
  { kind: 'replicaRead', key: Buffer.alloc(0), partition: 0, hintFor: '', flushGeneration: 7 },
  { kind: 'replicaReadReply', record: bytes('record'), found: true, flushGeneration: 2 },
  { kind: 'replicaReadReply', record: Buffer.alloc(0), found: false, flushGeneration: 0 },
  { kind: 'replicaWrite', key: bytes('k'), partition: 7, record: bytes('r'), hintFor: '', flushGeneration: 0 },
  { kind: 'replicaWrite', key: bytes('k'), partition: 0xffffffff, record: bytes('r'), hintFor: 'node-c', flushGeneration: 4294967295 },
  { kind: 'replicaWriteReply', flushGeneration: 0 },
  { kind: 'replicaWriteReply', flushGeneration: 12 },
  { kind: 'forwardMutation', key: bytes('k'), mutation: bytes('m'), w: 2 },
  { kind: 'forwardMutation', key: bytes('k'), mutation: bytes('m'), w: 0 },
  { kind: 'forwardMutation', key: bytes('k'), mutation: bytes('m'), w: undefined },
  { kind: 'forwardMutationReply', result: bytes('+OK'), context: bytes('ctx') },
  { kind: 'flushAll', generation: 1 },
  { kind: 'flushAllReply', generation: 9, adopted: true },
  { kind: 'flushAllReply', generation: 2, adopted: false },
  { kind: 'aeTreeRequest', partition: 5, level: 2, indices: [0, 31, 1023], segmentCount: 1024 },
  { kind: 'aeTreeRequest', partition: 0, level: 0, indices: [0], segmentCount: 1024 },
  { kind: 'aeTreeReply', hashes: Buffer.alloc(32, 7) },
  { kind: 'aeKeysRequest', partition: 63, segments: [3, 9], keysMax: 4096, segmentCount: 1024 },
  { kind: 'aeKeysReply', segments: [3], entries: [{ key: bytes('k'), digest: Buffer.alloc(16, 1), reapable: true }, { key: bytes('j'), digest: Buffer.alloc(16, 2), reapable: false }] },
  { kind: 'aeKeysReply', segments: [], entries: [] },
  { kind: 'aeFetchRequest', partition: 1, keys: [bytes('a'), bytes('b')] },
  { kind: 'aeFetchReply', records: [bytes('record'), Buffer.alloc(0)] },
];

function envelope(body: Body, overrides: Partial<Envelope> = {}): Envelope {
  return { protocolVersion: 1, from: 'node-a', requestId: 42, body, ...overrides };
}

function raw(message: dynkv.peer.IEnvelope): Buffer {
  return Buffer.from(dynkv.peer.Envelope.encode(message).finish());
}

function failure(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a failure, decoded ${result.envelope.body.kind}`);
  expect(result.error).toBeInstanceOf(InvalidEnvelopeError);
  return result.error.message;
}

describe('encodeEnvelope / decodeEnvelope', () => {
  it.each(BODIES.map((body) => [body.kind, body] as const))('round-trips %s', (_kind, body) => {
    const original = envelope(body, { requestId: body.kind === 'hello' || body.kind === 'helloAck' ? 0 : 42 });
    const result = decodeEnvelope(encodeEnvelope(original));
    expect(result).toEqual({ ok: true, envelope: original });
  });

  it('decodes byte fields as Buffers', () => {
    const result = decodeEnvelope(encodeEnvelope(envelope({ kind: 'replicaWrite', key: bytes('k'), partition: 1, record: bytes('r'), hintFor: '' })));
    if (!result.ok || result.envelope.body.kind !== 'replicaWrite') throw new Error('decode failed');
    expect(Buffer.isBuffer(result.envelope.body.key)).toBe(true);
    expect(Buffer.isBuffer(result.envelope.body.record)).toBe(true);
  });

  it('sets is_response from the body kind', () => {
    const isResponse = (body: Body) => dynkv.peer.Envelope.decode(encodeEnvelope(envelope(body))).isResponse;
    expect(isResponse({ kind: 'ping' })).toBe(false);
    expect(isResponse({ kind: 'pong' })).toBe(true);
    expect(isResponse({ kind: 'errorReply', code: 'INTERNAL', message: 'x' })).toBe(true);
    expect(isResponse(BODIES[0])).toBe(false);
    expect(isResponse(BODIES[1])).toBe(true);
  });

  it('round-trips the largest safe request id', () => {
    const result = decodeEnvelope(encodeEnvelope(envelope({ kind: 'ping' }, { requestId: Number.MAX_SAFE_INTEGER })));
    expect(result.ok && result.envelope.requestId).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('carries protocol versions it does not speak (the handshake judges them)', () => {
    for (const protocolVersion of [2, 99, 0xffffffff]) {
      const result = decodeEnvelope(encodeEnvelope(envelope({ kind: 'ping' }, { protocolVersion })));
      expect(result.ok && result.envelope.protocolVersion).toBe(protocolVersion);
    }
  });

  it('refuses an envelope without protocol_version', () => {
    expect(failure(decodeEnvelope(raw({ from: 'a', requestId: 1, ping: {} })))).toMatch(/protocol_version missing/);
  });

  it('refuses an envelope without a body, or with a body from a newer version', () => {
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, from: 'a', requestId: 1 })))).toMatch(/no body/);
    // Field 199 (length-delimited, empty): a body this version does not know, skipped by protobufjs.
    const newer = dynkv.peer.Envelope.encode({ protocolVersion: 2, from: 'a', requestId: 1 });
    newer.uint32((199 << 3) | 2).bytes(new Uint8Array(0));
    expect(failure(decodeEnvelope(Buffer.from(newer.finish())))).toMatch(/no body this version knows/);
  });

  it('refuses two bodies', () => {
    const both = Buffer.concat([raw({ protocolVersion: 1, requestId: 1, ping: {} }), raw({ gossipPush: { state: bytes('s') } })]);
    expect(failure(decodeEnvelope(both))).toMatch(/several bodies \(ping, gossipPush\)/);
  });

  it('refuses is_response disagreeing with the body', () => {
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, requestId: 1, isResponse: true, ping: {} })))).toMatch(/is_response/);
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, requestId: 1, isResponse: false, pong: {} })))).toMatch(/is_response/);
  });

  it('refuses a request id beyond 2^53', () => {
    // protobufjs decodes uint64 as a lossy number above 2^53: refused rather than misrouted.
    const writer = dynkv.peer.Envelope.encode({ protocolVersion: 1, ping: {} });
    writer.uint32((3 << 3) | 0).uint64(2 ** 60);
    expect(failure(decodeEnvelope(Buffer.from(writer.finish())))).toMatch(/request_id/);
  });

  it('refuses a nonsensical handshake', () => {
    const hello = (fields: dynkv.peer.IHello) => decodeEnvelope(raw({ protocolVersion: 1, hello: { nodeId: 'n', versionMin: 1, versionMax: 1, ...fields } }));
    expect(failure(hello({ nodeId: '' }))).toMatch(/Hello without node_id/);
    expect(failure(hello({ versionMin: 0 }))).toMatch(/version range/);
    expect(failure(hello({ versionMin: 3, versionMax: 2 }))).toMatch(/version range \[3, 2\]/);
    expect(failure(hello({ peerPort: 70000 }))).toMatch(/port/);
    expect(hello({}).ok).toBe(true);
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, isResponse: true, helloAck: { nodeId: 'n' } })))).toMatch(/HelloAck without version/);
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, isResponse: true, helloAck: { version: 1 } })))).toMatch(/HelloAck without node_id/);
    expect(failure(decodeEnvelope(raw({ protocolVersion: 1, isResponse: true, errorReply: { message: 'x' } })))).toMatch(/without code/);
  });

  it('returns garbage as an error value, never throws', () => {
    const samples = [
      Buffer.from([0xff]),
      Buffer.from([0x08]), // a tag with no value
      Buffer.from([0x52, 0x05, 0x01]), // a body claiming 5 bytes, holding 1
      Buffer.from([0x0f]), // wire type 7 does not exist
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.alloc(200_000, 0x0b), // 200k nested start-group tags: deep recursion in skipType
    ];
    for (const sample of samples) expect(() => failure(decodeEnvelope(sample))).not.toThrow();
    // A whole frame, length prefix included: protobufjs tolerates the field-0 tags the prefix
    // reads as, so it may even decode; what matters is that it does not throw.
    expect(() => decodeEnvelope(encodeFrame(envelope({ kind: 'ping' })))).not.toThrow();
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (input) => {
        const result = decodeEnvelope(Buffer.from(input));
        if (!result.ok) expect(result.error).toBeInstanceOf(InvalidEnvelopeError);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on corrupted valid envelopes', () => {
    const valid = BODIES.map((body) => encodeEnvelope(envelope(body)));
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, at, value) => {
        const corrupted = Buffer.from(valid[which]);
        corrupted[at % corrupted.length] = value;
        const result = decodeEnvelope(corrupted);
        if (!result.ok) expect(result.error).toBeInstanceOf(InvalidEnvelopeError);
      }),
      { numRuns: 2000 },
    );
  });
});
