/**
 * The envelopes every replicated request sends (ReplicaRead, ReplicaWrite, ReplicaWriteBatch and their replies),
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
import { bytesField, isAscii, isUint32, readAscii, readBytes, readFieldEnd, readUint32, readVarint, varintBytes, writeAscii, writeBytes, writeVarint } from '../lib/proto-wire';
import type { ReplicaRead, ReplicaReadReply, ReplicaWrite, ReplicaWriteBatch, ReplicaWriteBatchReply, ReplicaWriteItem, ReplicaWriteOutcome, ReplicaWriteReply } from './bodies';
import type { Envelope } from './codec';
import { FRAME_HEADER_BYTES } from './frame-decoder';

/** Envelope field tags (field number << 3 | wire type). */
const TAG_PROTOCOL_VERSION = 0x08;
const TAG_FROM = 0x12;
const TAG_REQUEST_ID = 0x18;
const TAG_IS_RESPONSE = 0x20;
/** The body fields' tags are two-byte varints: first byte here, second byte always 0x02. */
const BODY_TAG_FIRST: Readonly<Record<HotKind, number>> = {
  replicaRead: 0xc2,
  replicaReadReply: 0xca,
  replicaWrite: 0xd2,
  replicaWriteReply: 0xda,
  replicaWriteBatch: 0xe2,
  replicaWriteBatchReply: 0xea,
};
const BODY_TAG_SECOND = 0x02;
const HOT_KIND_BY_TAG_FIRST = new Map<number, HotKind>(Object.entries(BODY_TAG_FIRST).map(([kind, tag]) => [tag, kind as HotKind]));

type HotKind = 'replicaRead' | 'replicaReadReply' | 'replicaWrite' | 'replicaWriteReply' | 'replicaWriteBatch' | 'replicaWriteBatchReply';
type HotBody = ReplicaRead | ReplicaReadReply | ReplicaWrite | ReplicaWriteReply | ReplicaWriteBatch | ReplicaWriteBatchReply;
/** Field tags inside the batch bodies (all one byte). */
const TAG_BATCH_ITEM = 0x0a;
const TAG_BATCH_REPLY_GENERATION = 0x10;
const TAG_OUTCOME_CODE = 0x0a;
const TAG_OUTCOME_MESSAGE = 0x12;
const RESPONSE_KINDS: ReadonlySet<HotKind> = new Set<HotKind>(['replicaReadReply', 'replicaWriteReply', 'replicaWriteBatchReply']);

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
  frame[at++] = RESPONSE_KINDS.has(body.kind as HotKind) ? 1 : 0;
  frame[at++] = BODY_TAG_FIRST[body.kind as HotKind];
  frame[at++] = BODY_TAG_SECOND;
  at = writeVarint(frame, at, bodyBytes);
  at = writeHotBody(frame, at, body as HotBody);
  return frame;
}

/** The body message's size, or -1 if it is not one this module writes. */
function hotBodyBytes(body: HotBody): number {
  const generation = (body as { readonly flushGeneration?: number }).flushGeneration;
  if (generation != null && !isUint32(generation)) return -1;
  const generationBytes = generation == null ? 0 : 1 + varintBytes(generation);
  switch (body.kind) {
    case 'replicaRead':
      if (!isUint32(body.partition) || !isAscii(body.hintFor)) return -1;
      return bytesField(body.key.length) + 1 + varintBytes(body.partition) + bytesField(body.hintFor.length) + generationBytes;
    case 'replicaReadReply':
      return bytesField(body.record.length) + (body.found != null ? 2 : 0) + generationBytes;
    case 'replicaWrite':
      return writeItemBytes(body);
    case 'replicaWriteReply':
      return generationBytes;
    case 'replicaWriteBatch': {
      let bytes = 0;
      for (const write of body.writes) {
        const itemBytes = writeItemBytes(write);
        if (itemBytes < 0) return -1;
        bytes += bytesField(itemBytes);
      }
      return bytes;
    }
    case 'replicaWriteBatchReply': {
      let bytes = generationBytes;
      for (const outcome of body.outcomes) {
        const outcomeBytes = outcomeBytesOf(outcome);
        if (outcomeBytes < 0) return -1;
        bytes += bytesField(outcomeBytes);
      }
      return bytes;
    }
    default:
      return -1;
  }
}

/** A ReplicaWrite message's size (as an item of a batch), or -1. */
function writeItemBytes(write: ReplicaWriteItem): number {
  const generation = write.flushGeneration;
  if ((generation != null && !isUint32(generation)) || !isUint32(write.partition) || !isAscii(write.hintFor)) return -1;
  const generationBytes = generation == null ? 0 : 1 + varintBytes(generation);
  return bytesField(write.key.length) + 1 + varintBytes(write.partition) + bytesField(write.record.length) + bytesField(write.hintFor.length) + generationBytes;
}

/** A ReplicaWriteOutcome message's size, or -1 (a non-ASCII error text goes through protobufjs). */
function outcomeBytesOf(outcome: ReplicaWriteOutcome): number {
  const error = outcome.error;
  if (error === undefined) return 0;
  if (!isAscii(error.code) || !isAscii(error.message)) return -1;
  return bytesField(error.code.length) + bytesField(error.message.length);
}

function writeHotBody(out: Buffer, start: number, body: HotBody): number {
  let at = start;
  const generation = (body as { readonly flushGeneration?: number }).flushGeneration;
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
      return writeWriteItem(out, at, body);
    case 'replicaWriteReply':
      if (generation != null) {
        out[at++] = 0x08; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
    case 'replicaWriteBatch':
      for (const write of body.writes) {
        out[at++] = TAG_BATCH_ITEM; // writes
        at = writeVarint(out, at, writeItemBytes(write));
        at = writeWriteItem(out, at, write);
      }
      return at;
    case 'replicaWriteBatchReply':
      for (const outcome of body.outcomes) {
        out[at++] = TAG_BATCH_ITEM; // outcomes
        at = writeVarint(out, at, outcomeBytesOf(outcome));
        if (outcome.error !== undefined) {
          out[at++] = TAG_OUTCOME_CODE;
          at = writeAscii(out, at, outcome.error.code);
          out[at++] = TAG_OUTCOME_MESSAGE;
          at = writeAscii(out, at, outcome.error.message);
        }
      }
      if (generation != null) {
        out[at++] = TAG_BATCH_REPLY_GENERATION; // flush_generation
        at = writeVarint(out, at, generation);
      }
      return at;
  }
}

/** A ReplicaWrite message's fields (a ReplicaWrite body, or an item of a batch). */
function writeWriteItem(out: Buffer, start: number, write: ReplicaWriteItem): number {
  let at = start;
  out[at++] = 0x0a; // key
  at = writeBytes(out, at, write.key);
  out[at++] = 0x10; // partition
  at = writeVarint(out, at, write.partition);
  out[at++] = 0x1a; // record
  at = writeBytes(out, at, write.record);
  out[at++] = 0x22; // hint_for
  at = writeAscii(out, at, write.hintFor);
  if (write.flushGeneration != null) {
    out[at++] = 0x28; // flush_generation
    at = writeVarint(out, at, write.flushGeneration);
  }
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
  const protocolVersion = readUint32(bytes, cursor, end);
  if (protocolVersion <= 0 || bytes[cursor.at++] !== TAG_FROM) return undefined;
  const from = readAscii(bytes, cursor, end);
  if (from === undefined || bytes[cursor.at++] !== TAG_REQUEST_ID) return undefined;
  // Eight varint bytes hold 56 bits; a larger id is left to codec.ts (which refuses unsafe ones).
  const requestId = readVarint(bytes, cursor, end, 8);
  if (requestId < 0 || !Number.isSafeInteger(requestId) || bytes[cursor.at++] !== TAG_IS_RESPONSE) return undefined;
  const isResponse = bytes[cursor.at++];
  if (isResponse > 1) return undefined;
  const kind = HOT_KIND_BY_TAG_FIRST.get(bytes[cursor.at++]);
  if (kind === undefined || bytes[cursor.at++] !== BODY_TAG_SECOND) return undefined;
  if ((isResponse === 1) !== RESPONSE_KINDS.has(kind)) return undefined;
  const bodyLength = readUint32(bytes, cursor, end);
  // The body must be the envelope's last field and end exactly with it.
  if (bodyLength < 0 || cursor.at + bodyLength !== end) return undefined;
  const body = kind === 'replicaWriteBatch' ? decodeWriteBatch(bytes, end) : kind === 'replicaWriteBatchReply' ? decodeWriteBatchReply(bytes, end) : decodeHotBody(bytes, kind, end);
  if (body === undefined) return undefined;
  return { protocolVersion, from, requestId, body };
}

function decodeWriteBatch(bytes: Buffer, end: number): ReplicaWriteBatch | undefined {
  const writes: ReplicaWriteItem[] = [];
  while (cursor.at < end) {
    if (bytes[cursor.at++] !== TAG_BATCH_ITEM) return undefined;
    const itemEnd = readFieldEnd(bytes, cursor, end);
    if (itemEnd < 0) return undefined;
    const write = decodeHotBody(bytes, 'replicaWrite', itemEnd) as ReplicaWrite | undefined;
    if (write === undefined) return undefined;
    writes.push({ key: write.key, partition: write.partition, record: write.record, hintFor: write.hintFor, flushGeneration: write.flushGeneration });
  }
  return { kind: 'replicaWriteBatch', writes };
}

function decodeWriteBatchReply(bytes: Buffer, end: number): ReplicaWriteBatchReply | undefined {
  const outcomes: ReplicaWriteOutcome[] = [];
  let flushGeneration = 0;
  while (cursor.at < end) {
    const tag = bytes[cursor.at++];
    if (tag === TAG_BATCH_REPLY_GENERATION) {
      // The last field: nothing may follow it.
      flushGeneration = readUint32(bytes, cursor, end);
      if (flushGeneration < 0 || cursor.at !== end) return undefined;
      break;
    }
    if (tag !== TAG_BATCH_ITEM) return undefined;
    const outcomeEnd = readFieldEnd(bytes, cursor, end);
    if (outcomeEnd < 0) return undefined;
    if (cursor.at === outcomeEnd) {
      outcomes.push(STORED);
      continue;
    }
    // Both fields, in order, as encodeHotFrame writes them; anything else goes to protobufjs.
    if (bytes[cursor.at++] !== TAG_OUTCOME_CODE) return undefined;
    const code = readAscii(bytes, cursor, outcomeEnd);
    if (code === undefined || code === '' || bytes[cursor.at++] !== TAG_OUTCOME_MESSAGE) return undefined;
    const message = readAscii(bytes, cursor, outcomeEnd);
    if (message === undefined || cursor.at !== outcomeEnd) return undefined;
    outcomes.push({ error: { code, message } });
  }
  return { kind: 'replicaWriteBatchReply', outcomes, flushGeneration };
}

const STORED: ReplicaWriteOutcome = Object.freeze({});

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
        const value = readBytes(bytes, cursor, end);
        if (value === undefined) return undefined;
        if (field === 'key') key = value;
        else record = value;
        break;
      }
      case 'hintFor': {
        const value = readAscii(bytes, cursor, end);
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
        const value = readUint32(bytes, cursor, end);
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

/** proto/peer.proto's field numbers of each hot body (the batch bodies are decoded on their own). */
const FIELDS: Readonly<Record<HotKind, readonly (HotField | undefined)[]>> = {
  replicaWriteBatch: [],
  replicaWriteBatchReply: [],
  replicaRead: [undefined, 'key', 'partition', 'hintFor', 'flushGeneration'],
  replicaReadReply: [undefined, 'record', 'found', 'flushGeneration'],
  replicaWrite: [undefined, 'key', 'partition', 'record', 'hintFor', 'flushGeneration'],
  replicaWriteReply: [undefined, 'flushGeneration'],
};
