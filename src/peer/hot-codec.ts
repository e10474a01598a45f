/**
 * The four envelopes every replicated request sends (ReplicaRead, ReplicaWrite and their replies),
 * encoded and decoded by hand. protobufjs's generated code builds a writer, a fork per nested
 * message and an object per field, and decoding goes through a check of all 23 body kinds: about
 * 1.3 µs per message each way, on every hop of every GET and SET. By hand it is a tenth of that.
 *
 * Both directions are exact or decline, so codec.ts stays the one definition of the format:
 * - encodeHotFrame writes byte for byte what protobufjs writes for the message codec.ts builds
 *   (every field of those bodies present, flush_generation only when set), or returns undefined
 *   (another body, a non-ASCII string, a number out of range) and protobufjs encodes it;
 * - decodeHotEnvelope accepts only what it fully understands (the four header fields then one of
 *   these bodies, fields in ascending order, each at most once, ASCII strings, short varints) and
 *   returns the Envelope codec.ts would return; anything else returns undefined and goes through
 *   protobufjs and codec.ts's checks, errors included.
 * test/property/peer/hot-codec.test.ts checks both against protobufjs on random and corrupted input.
 */
import { isAscii, isUint32, readVarint, varintBytes, writeVarint } from '../lib/proto-wire';
import type { ReplicaRead, ReplicaReadReply, ReplicaWrite, ReplicaWriteReply } from './bodies';
import type { Envelope } from './codec';
import { FRAME_HEADER_BYTES } from './frame-decoder';

/** Envelope field tags (field number << 3 | wire type). */
const TAG_PROTOCOL_VERSION = 0x08;
const TAG_FROM = 0x12;
const TAG_REQUEST_ID = 0x18;
const TAG_IS_RESPONSE = 0x20;
/** The body fields' tags are two-byte varints: first byte here, second byte always 0x02. */
const BODY_TAG_FIRST: Readonly<Record<HotKind, number>> = { replicaRead: 0xc2, replicaReadReply: 0xca, replicaWrite: 0xd2, replicaWriteReply: 0xda };
const BODY_TAG_SECOND = 0x02;
const HOT_KIND_BY_TAG_FIRST = new Map<number, HotKind>(Object.entries(BODY_TAG_FIRST).map(([kind, tag]) => [tag, kind as HotKind]));

type HotKind = 'replicaRead' | 'replicaReadReply' | 'replicaWrite' | 'replicaWriteReply';
type HotBody = ReplicaRead | ReplicaReadReply | ReplicaWrite | ReplicaWriteReply;

const EMPTY = Buffer.alloc(0);

// ---- encoding ----

/** The frame (length prefix included) of a hot envelope, or undefined for protobufjs to encode. */
export function encodeHotFrame(envelope: Envelope): Buffer | undefined {
  const { protocolVersion, from, requestId, body } = envelope;
  if (!isUint32(protocolVersion) || !Number.isSafeInteger(requestId) || requestId < 0 || !isAscii(from)) return undefined;
  const bodyBytes = hotBodyBytes(body as HotBody);
  if (bodyBytes < 0) return undefined;
  const envelopeBytes =
    1 + varintBytes(protocolVersion) + 1 + varintBytes(from.length) + from.length + 1 + varintBytes(requestId) + 2 + 2 + varintBytes(bodyBytes) + bodyBytes;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + envelopeBytes);
  frame.writeUInt32BE(envelopeBytes, 0);
  let at = FRAME_HEADER_BYTES;
  frame[at++] = TAG_PROTOCOL_VERSION;
  at = writeVarint(frame, at, protocolVersion);
  frame[at++] = TAG_FROM;
  at = writeAscii(frame, at, from);
  frame[at++] = TAG_REQUEST_ID;
  at = writeVarint(frame, at, requestId);
  frame[at++] = TAG_IS_RESPONSE;
  frame[at++] = body.kind === 'replicaRead' || body.kind === 'replicaWrite' ? 0 : 1;
  frame[at++] = BODY_TAG_FIRST[body.kind as HotKind];
  frame[at++] = BODY_TAG_SECOND;
  at = writeVarint(frame, at, bodyBytes);
  at = writeHotBody(frame, at, body as HotBody);
  return frame;
}

/** The body message's size, or -1 if it is not one this module writes. */
function hotBodyBytes(body: HotBody): number {
  const generation = body.flushGeneration;
  if (generation != null && !isUint32(generation)) return -1;
  const generationBytes = generation == null ? 0 : 1 + varintBytes(generation);
  switch (body.kind) {
    case 'replicaRead':
      if (!isUint32(body.partition) || !isAscii(body.hintFor)) return -1;
      return bytesField(body.key.length) + 1 + varintBytes(body.partition) + bytesField(body.hintFor.length) + generationBytes;
    case 'replicaReadReply':
      return bytesField(body.record.length) + (body.found != null ? 2 : 0) + generationBytes;
    case 'replicaWrite':
      if (!isUint32(body.partition) || !isAscii(body.hintFor)) return -1;
      return bytesField(body.key.length) + 1 + varintBytes(body.partition) + bytesField(body.record.length) + bytesField(body.hintFor.length) + generationBytes;
    case 'replicaWriteReply':
      return generationBytes;
    default:
      return -1;
  }
}

function writeHotBody(out: Buffer, start: number, body: HotBody): number {
  let at = start;
  const generation = body.flushGeneration;
  switch (body.kind) {
    case 'replicaRead':
      out[at++] = 0x0a; // key
      at = writeBytes(out, at, body.key);
      out[at++] = 0x10; // partition
      at = writeVarint(out, at, body.partition);
      out[at++] = 0x1a; // hint_for
      at = writeAscii(out, at, body.hintFor);
      if (generation != null) {
        out[at++] = 0x20; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
    case 'replicaReadReply':
      out[at++] = 0x0a; // record
      at = writeBytes(out, at, body.record);
      if (body.found != null) {
        out[at++] = 0x10; // found
        out[at++] = body.found ? 1 : 0;
      }
      if (generation != null) {
        out[at++] = 0x18; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
    case 'replicaWrite':
      out[at++] = 0x0a; // key
      at = writeBytes(out, at, body.key);
      out[at++] = 0x10; // partition
      at = writeVarint(out, at, body.partition);
      out[at++] = 0x1a; // record
      at = writeBytes(out, at, body.record);
      out[at++] = 0x22; // hint_for
      at = writeAscii(out, at, body.hintFor);
      if (generation != null) {
        out[at++] = 0x28; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
    case 'replicaWriteReply':
      if (generation != null) {
        out[at++] = 0x08; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
  }
}

function bytesField(length: number): number {
  return 1 + varintBytes(length) + length;
}

function writeBytes(out: Buffer, start: number, bytes: Buffer): number {
  let at = writeVarint(out, start, bytes.length);
  if (bytes.length <= 64) for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i];
  else at += bytes.copy(out, at);
  return at;
}

function writeAscii(out: Buffer, start: number, text: string): number {
  let at = writeVarint(out, start, text.length);
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

// ---- decoding ----

/** Reused across calls: decoding is synchronous and never re-entered. */
const cursor = { at: 0 };

/**
 * The Envelope of `bytes` if it is a hot envelope in the form encodeHotFrame writes (fields in
 * order, none repeated), with what codec.ts's checks require; undefined to leave it to codec.ts.
 */
export function decodeHotEnvelope(bytes: Buffer): Envelope | undefined {
  const end = bytes.length;
  cursor.at = 0;
  if (end < 8 || bytes[0] !== TAG_PROTOCOL_VERSION) return undefined;
  cursor.at = 1;
  const protocolVersion = readUint32(bytes, end);
  if (protocolVersion <= 0 || bytes[cursor.at++] !== TAG_FROM) return undefined;
  const from = readAscii(bytes, end);
  if (from === undefined || bytes[cursor.at++] !== TAG_REQUEST_ID) return undefined;
  // Eight varint bytes hold 56 bits; a larger id is left to codec.ts (which refuses unsafe ones).
  const requestId = readVarint(bytes, cursor, end, 8);
  if (requestId < 0 || !Number.isSafeInteger(requestId) || bytes[cursor.at++] !== TAG_IS_RESPONSE) return undefined;
  const isResponse = bytes[cursor.at++];
  if (isResponse > 1) return undefined;
  const kind = HOT_KIND_BY_TAG_FIRST.get(bytes[cursor.at++]);
  if (kind === undefined || bytes[cursor.at++] !== BODY_TAG_SECOND) return undefined;
  if ((isResponse === 1) !== (kind === 'replicaReadReply' || kind === 'replicaWriteReply')) return undefined;
  const bodyLength = readUint32(bytes, end);
  // The body must be the envelope's last field and end exactly with it.
  if (bodyLength < 0 || cursor.at + bodyLength !== end) return undefined;
  const body = decodeHotBody(bytes, kind, end);
  if (body === undefined) return undefined;
  return { protocolVersion, from, requestId, body };
}

function decodeHotBody(bytes: Buffer, kind: HotKind, end: number): HotBody | undefined {
  // Absent fields read as protobuf's defaults, as protobufjs gives them.
  let key: Buffer = EMPTY;
  let record: Buffer = EMPTY;
  let partition = 0;
  let hintFor = '';
  let found = false;
  let flushGeneration = 0;
  let last = 0;
  while (cursor.at < end) {
    const tag = bytes[cursor.at++];
    const number = tag >>> 3;
    // Every hot field number is below 16 (a one-byte tag), and fields come in ascending order.
    if (tag >= 0x80 || number <= last) return undefined;
    last = number;
    const field = FIELDS[kind][number];
    if (field === undefined || (tag & 7) !== FIELD_WIRE_TYPE[field]) return undefined;
    switch (field) {
      case 'key':
      case 'record': {
        const value = readBytes(bytes, end);
        if (value === undefined) return undefined;
        if (field === 'key') key = value;
        else record = value;
        break;
      }
      case 'hintFor': {
        const value = readAscii(bytes, end);
        if (value === undefined) return undefined;
        hintFor = value;
        break;
      }
      case 'found': {
        const value = bytes[cursor.at++];
        if (cursor.at > end || value > 1) return undefined;
        found = value === 1;
        break;
      }
      case 'partition':
      case 'flushGeneration': {
        const value = readUint32(bytes, end);
        if (value < 0) return undefined;
        if (field === 'partition') partition = value;
        else flushGeneration = value;
        break;
      }
    }
  }
  switch (kind) {
    case 'replicaRead':
      return { kind, key, partition, hintFor, flushGeneration };
    case 'replicaReadReply':
      return { kind, record, found, flushGeneration };
    case 'replicaWrite':
      return { kind, key, partition, record, hintFor, flushGeneration };
    case 'replicaWriteReply':
      return { kind, flushGeneration };
  }
}

type HotField = 'key' | 'record' | 'partition' | 'hintFor' | 'found' | 'flushGeneration';

const FIELD_WIRE_TYPE: Readonly<Record<HotField, number>> = { key: 2, record: 2, hintFor: 2, partition: 0, found: 0, flushGeneration: 0 };

/** proto/peer.proto's field numbers of each hot body. */
const FIELDS: Readonly<Record<HotKind, readonly (HotField | undefined)[]>> = {
  replicaRead: [undefined, 'key', 'partition', 'hintFor', 'flushGeneration'],
  replicaReadReply: [undefined, 'record', 'found', 'flushGeneration'],
  replicaWrite: [undefined, 'key', 'partition', 'record', 'hintFor', 'flushGeneration'],
  replicaWriteReply: [undefined, 'flushGeneration'],
};

/** A uint32 varint (at most 5 bytes, value below 2^32), or -1. */
function readUint32(bytes: Buffer, end: number): number {
  const value = readVarint(bytes, cursor, end, 5);
  return value > 0xffffffff ? -1 : value;
}

function readBytes(bytes: Buffer, end: number): Buffer | undefined {
  const length = readUint32(bytes, end);
  if (length < 0 || cursor.at + length > end) return undefined;
  const start = cursor.at;
  cursor.at += length;
  return bytes.subarray(start, cursor.at);
}

/** A length-delimited string if every byte is ASCII (UTF-8 decoders agree on those), else undefined. */
function readAscii(bytes: Buffer, end: number): string | undefined {
  const length = readUint32(bytes, end);
  if (length < 0 || cursor.at + length > end) return undefined;
  const start = cursor.at;
  for (let i = start; i < start + length; i++) if (bytes[i] >= 0x80) return undefined;
  cursor.at += length;
  return bytes.toString('latin1', start, cursor.at);
}
