/**
 * Envelope <-> bytes (without the frame's length prefix). The only module that imports the
 * generated `dynkv.peer` code: everything else sees the `Envelope` and `Body` types below.
 *
 * Decoding never throws: bytes come from the network and may be anything (SPEC 3.6), so a
 * failure is returned as an InvalidEnvelopeError value for the connection to log and act on.
 * It checks what every layer above relies on: exactly one body this version knows (a body
 * from a newer version is skipped by protobufjs as an unknown field, so it reads as "no
 * body"), a non-zero protocol_version, is_response agreeing with the body's kind, a request id
 * that is a safe integer, and handshake fields that make sense. It does not judge the version
 * number itself (the handshake does) nor record semantics (the cluster layer does).
 *
 * Encoding trusts its input (typed, built by this node) and never throws for a well-typed
 * Envelope.
 */
import { dynkv } from '../generated/proto';
import { isResponseKind, type Body, type BodyKind } from './bodies';
import { decodeHotEnvelope } from './hot-codec';

export interface Envelope {
  /** The version this envelope is written in (see proto/peer.proto). */
  readonly protocolVersion: number;
  /** The sender's node id. */
  readonly from: string;
  /** Pairs a response with its request; 0 in handshake messages. */
  readonly requestId: number;
  readonly body: Body;
}

export class InvalidEnvelopeError extends Error {
  override name = 'InvalidEnvelopeError';

  constructor(detail: string) {
    super(`invalid envelope: ${detail}`);
  }
}

export type DecodeResult = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly error: InvalidEnvelopeError };

/** The oneof fields of Envelope, which are exactly the body kinds. */
const BODY_KINDS: readonly BodyKind[] = [
  'hello',
  'helloAck',
  'errorReply',
  'ping',
  'pong',
  'gossipPush',
  'gossipReply',
  'replicaRead',
  'replicaReadReply',
  'replicaWrite',
  'replicaWriteReply',
  'replicaWriteBatch',
  'replicaWriteBatchReply',
  'forwardMutation',
  'forwardMutationReply',
  'aeTreeRequest',
  'aeTreeReply',
  'aeKeysRequest',
  'aeKeysReply',
  'aeFetchRequest',
  'aeFetchReply',
  'flushAll',
  'flushAllReply',
  'transferBatch',
  'transferBatchReply',
];

const PORT_MAX = 65535;

export function encodeEnvelope(envelope: Envelope): Buffer {
  const message: dynkv.peer.IEnvelope = {
    protocolVersion: envelope.protocolVersion,
    from: envelope.from,
    requestId: envelope.requestId,
    isResponse: isResponseKind(envelope.body.kind),
    ...encodeBody(envelope.body),
  };
  return asBuffer(dynkv.peer.Envelope.encode(message).finish());
}

function encodeBody(body: Body): dynkv.peer.IEnvelope {
  switch (body.kind) {
    case 'hello': {
      const { nodeId, versionMin, versionMax, clusterName, host, peerPort, clientPort } = body;
      return { hello: { nodeId, versionMin, versionMax, clusterName, host, peerPort, clientPort } };
    }
    case 'helloAck':
      return { helloAck: { version: body.version, nodeId: body.nodeId } };
    case 'errorReply':
      return { errorReply: { code: body.code, message: body.message } };
    case 'ping':
      return { ping: {} };
    case 'pong':
      return { pong: {} };
    case 'gossipPush':
      return { gossipPush: { state: body.state, flushGeneration: body.flushGeneration } };
    case 'gossipReply':
      return { gossipReply: { state: body.state, flushGeneration: body.flushGeneration } };
    case 'replicaRead':
      return { replicaRead: { key: body.key, partition: body.partition, hintFor: body.hintFor, flushGeneration: body.flushGeneration } };
    case 'replicaReadReply':
      return { replicaReadReply: { record: body.record, found: body.found, flushGeneration: body.flushGeneration } };
    case 'replicaWrite':
      return { replicaWrite: { key: body.key, partition: body.partition, record: body.record, hintFor: body.hintFor, flushGeneration: body.flushGeneration } };
    case 'replicaWriteReply':
      return { replicaWriteReply: { flushGeneration: body.flushGeneration } };
    case 'replicaWriteBatch':
      return { replicaWriteBatch: { writes: body.writes.map(({ key, partition, record, hintFor, flushGeneration }) => ({ key, partition, record, hintFor, flushGeneration })) } };
    case 'replicaWriteBatchReply': {
      const outcomes = body.outcomes.map(({ error }) => (error === undefined ? {} : { errorCode: error.code, errorMessage: error.message }));
      return { replicaWriteBatchReply: { outcomes, flushGeneration: body.flushGeneration } };
    }
    case 'flushAll':
      return { flushAll: { generation: body.generation } };
    case 'flushAllReply':
      return { flushAllReply: { generation: body.generation, adopted: body.adopted } };
    case 'forwardMutation':
      return { forwardMutation: { key: body.key, mutation: body.mutation, w: body.w ?? 0, hasW: body.w !== undefined } };
    case 'forwardMutationReply':
      return { forwardMutationReply: { result: body.result, context: body.context } };
    case 'aeTreeRequest':
      return { aeTreeRequest: { partition: body.partition, level: body.level, indices: [...body.indices], segmentCount: body.segmentCount } };
    case 'aeTreeReply':
      return { aeTreeReply: { hashes: body.hashes } };
    case 'aeKeysRequest':
      return { aeKeysRequest: { partition: body.partition, segments: [...body.segments], keysMax: body.keysMax, segmentCount: body.segmentCount } };
    case 'aeKeysReply':
      return { aeKeysReply: { segments: [...body.segments], entries: body.entries.map(({ key, digest, reapable }) => ({ key, digest, reapable })) } };
    case 'aeFetchRequest':
      return { aeFetchRequest: { partition: body.partition, keys: [...body.keys] } };
    case 'aeFetchReply':
      return { aeFetchReply: { records: [...body.records] } };
    case 'transferBatch':
      return { transferBatch: { partition: body.partition, records: body.records.map(({ key, record }) => ({ key, record })) } };
    case 'transferBatchReply':
      return { transferBatchReply: { merged: body.merged } };
  }
}

export function decodeEnvelope(bytes: Buffer): DecodeResult {
  // The replica envelopes of every request by hand (hot-codec.ts); it declines anything else.
  const hot = decodeHotEnvelope(bytes);
  if (hot !== undefined) return { ok: true, envelope: hot };
  return decodeEnvelopeWithProtobufjs(bytes);
}

/** decodeEnvelope without the hand-written path: the reference hot-codec.ts is tested against. */
export function decodeEnvelopeWithProtobufjs(bytes: Buffer): DecodeResult {
  let message: dynkv.peer.Envelope;
  try {
    message = dynkv.peer.Envelope.decode(bytes);
  } catch (err) {
    // Truncated fields, bad wire types, even a stack overflow on nested groups: all garbage.
    return fail(`not an Envelope message (${(err as Error).message})`);
  }
  try {
    return { ok: true, envelope: checkEnvelope(message) };
  } catch (err) {
    if (err instanceof InvalidEnvelopeError) return { ok: false, error: err };
    return fail(`unreadable (${(err as Error).message})`);
  }
}

function checkEnvelope(message: dynkv.peer.Envelope): Envelope {
  const present = BODY_KINDS.filter((kind) => message[kind] !== null && message[kind] !== undefined);
  if (present.length === 0) invalid('no body this version knows');
  if (present.length > 1) invalid(`several bodies (${present.join(', ')})`);
  const kind = present[0] as BodyKind;
  const protocolVersion = message.protocolVersion;
  if (!protocolVersion) invalid('protocol_version missing');
  const requestId = uint64(message.requestId);
  if (requestId === undefined) invalid('request_id is not a safe integer');
  if ((message.isResponse === true) !== isResponseKind(kind)) {
    invalid(`is_response is ${message.isResponse === true} but ${kind} is a ${isResponseKind(kind) ? 'response' : 'request'}`);
  }
  return { protocolVersion, from: message.from ?? '', requestId, body: decodeBody(message, kind) };
}

function decodeBody(message: dynkv.peer.Envelope, kind: BodyKind): Body {
  switch (kind) {
    case 'hello': {
      const hello = message.hello as dynkv.peer.Hello;
      if (!hello.nodeId) invalid('Hello without node_id');
      if (hello.versionMin < 1 || hello.versionMin > hello.versionMax) {
        invalid(`Hello version range [${hello.versionMin}, ${hello.versionMax}] is empty`);
      }
      if (hello.peerPort > PORT_MAX || hello.clientPort > PORT_MAX) invalid('Hello port out of range');
      const { nodeId, versionMin, versionMax, clusterName, host, peerPort, clientPort } = hello;
      return { kind, nodeId, versionMin, versionMax, clusterName, host, peerPort, clientPort };
    }
    case 'helloAck': {
      const ack = message.helloAck as dynkv.peer.HelloAck;
      if (!ack.nodeId) invalid('HelloAck without node_id');
      if (ack.version < 1) invalid('HelloAck without version');
      return { kind, version: ack.version, nodeId: ack.nodeId };
    }
    case 'errorReply': {
      const error = message.errorReply as dynkv.peer.ErrorReply;
      if (!error.code) invalid('ErrorReply without code');
      return { kind, code: error.code, message: error.message };
    }
    case 'ping':
    case 'pong':
      return { kind };
    case 'replicaWriteReply':
      return { kind, flushGeneration: (message.replicaWriteReply as dynkv.peer.ReplicaWriteReply).flushGeneration };
    case 'gossipPush': {
      const push = message.gossipPush as dynkv.peer.GossipPush;
      return { kind, state: asBuffer(push.state), flushGeneration: push.flushGeneration };
    }
    case 'gossipReply': {
      const reply = message.gossipReply as dynkv.peer.GossipReply;
      return { kind, state: asBuffer(reply.state), flushGeneration: reply.flushGeneration };
    }
    case 'replicaRead': {
      const read = message.replicaRead as dynkv.peer.ReplicaRead;
      return { kind, key: asBuffer(read.key), partition: read.partition, hintFor: read.hintFor ?? '', flushGeneration: read.flushGeneration };
    }
    case 'replicaReadReply': {
      const reply = message.replicaReadReply as dynkv.peer.ReplicaReadReply;
      return { kind, record: asBuffer(reply.record), found: reply.found, flushGeneration: reply.flushGeneration };
    }
    case 'replicaWrite': {
      const write = message.replicaWrite as dynkv.peer.ReplicaWrite;
      return { kind, key: asBuffer(write.key), partition: write.partition, record: asBuffer(write.record), hintFor: write.hintFor, flushGeneration: write.flushGeneration };
    }
    case 'replicaWriteBatch': {
      const writes = ((message.replicaWriteBatch as dynkv.peer.ReplicaWriteBatch).writes ?? []).map((write) => ({
        key: asBuffer(write.key ?? EMPTY),
        partition: write.partition ?? 0,
        record: asBuffer(write.record ?? EMPTY),
        hintFor: write.hintFor ?? '',
        flushGeneration: write.flushGeneration ?? 0,
      }));
      return { kind, writes };
    }
    case 'replicaWriteBatchReply': {
      const reply = message.replicaWriteBatchReply as dynkv.peer.ReplicaWriteBatchReply;
      const outcomes = (reply.outcomes ?? []).map((outcome) => (outcome.errorCode ? { error: { code: outcome.errorCode, message: outcome.errorMessage ?? '' } } : {}));
      return { kind, outcomes, flushGeneration: reply.flushGeneration };
    }
    case 'flushAll':
      return { kind, generation: (message.flushAll as dynkv.peer.FlushAll).generation };
    case 'flushAllReply':
    {
      const reply = message.flushAllReply as dynkv.peer.FlushAllReply;
      return { kind, generation: reply.generation, adopted: reply.adopted === true };
    }
    case 'forwardMutation': {
      const forward = message.forwardMutation as dynkv.peer.ForwardMutation;
      return { kind, key: asBuffer(forward.key), mutation: asBuffer(forward.mutation), w: forward.hasW ? forward.w : undefined };
    }
    case 'forwardMutationReply': {
      const reply = message.forwardMutationReply as dynkv.peer.ForwardMutationReply;
      return { kind, result: asBuffer(reply.result), context: asBuffer(reply.context) };
    }
    case 'aeTreeRequest': {
      const request = message.aeTreeRequest as dynkv.peer.AeTreeRequest;
      return { kind, partition: request.partition, level: request.level, indices: request.indices ?? [], segmentCount: request.segmentCount };
    }
    case 'aeTreeReply':
      return { kind, hashes: asBuffer((message.aeTreeReply as dynkv.peer.AeTreeReply).hashes) };
    case 'aeKeysRequest': {
      const request = message.aeKeysRequest as dynkv.peer.AeKeysRequest;
      return { kind, partition: request.partition, segments: request.segments ?? [], keysMax: request.keysMax, segmentCount: request.segmentCount };
    }
    case 'aeKeysReply': {
      const reply = message.aeKeysReply as dynkv.peer.AeKeysReply;
      const entries = (reply.entries ?? []).map((entry) => ({ key: asBuffer(entry.key ?? EMPTY), digest: asBuffer(entry.digest ?? EMPTY), reapable: entry.reapable === true }));
      return { kind, segments: reply.segments ?? [], entries };
    }
    case 'aeFetchRequest': {
      const request = message.aeFetchRequest as dynkv.peer.AeFetchRequest;
      return { kind, partition: request.partition, keys: (request.keys ?? []).map(asBuffer) };
    }
    case 'aeFetchReply':
      return { kind, records: ((message.aeFetchReply as dynkv.peer.AeFetchReply).records ?? []).map(asBuffer) };
    case 'transferBatch': {
      const batch = message.transferBatch as dynkv.peer.TransferBatch;
      const records = (batch.records ?? []).map((r) => ({ key: asBuffer(r.key ?? new Uint8Array()), record: asBuffer(r.record ?? new Uint8Array()) }));
      return { kind, partition: batch.partition, records };
    }
    case 'transferBatchReply':
      return { kind, merged: (message.transferBatchReply as dynkv.peer.TransferBatchReply).merged };
  }
}

const EMPTY = new Uint8Array(0);

function invalid(detail: string): never {
  throw new InvalidEnvelopeError(detail);
}

function fail(detail: string): DecodeResult {
  return { ok: false, error: new InvalidEnvelopeError(detail) };
}

/** protobufjs hands out Buffers in Node; a plain Uint8Array is wrapped as a view, not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A uint64 as a safe integer, or undefined. scripts/build-proto.js makes protobufjs return plain
 * numbers, which lose precision above 2^53; should a `Long` ever appear (another copy of
 * protobufjs configured differently), its halves are read instead.
 */
function uint64(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const high = Number((value as { high: number }).high) >>> 0;
    const low = Number((value as { low: number }).low) >>> 0;
    return high < 2 ** 21 ? high * 2 ** 32 + low : undefined;
  }
  return undefined;
}
