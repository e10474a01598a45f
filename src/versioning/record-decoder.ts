/**
 * A hand-written decoder for the `Record` message of proto/record.proto: the counterpart of
 * record-encoder.ts. Every replica write decodes the record it was sent, and every read that
 * misses the record cache decodes the stored bytes; protobufjs's generated decoder builds a
 * reader, a message object per entry and version, and 64-bit values through its Long helpers.
 *
 * It takes only records in the form both encoders write (fields in ascending order, each at most
 * once but for the repeated ones, ASCII actors, varints of safe integers, known value kinds) and
 * returns the same entries record-codec.ts builds from protobufjs's message; anything else
 * (unknown fields from a newer node, corrupt bytes, huge numbers) returns undefined and goes
 * through protobufjs and its errors. Validation of the entries (sorted actors, counters) is
 * record-codec.ts's, for both paths. test/property/versioning/record-decoder.test.ts checks it.
 */
import { readAscii, readBytes, readFieldEnd, readVarint } from '../lib/proto-wire';
import { makeVersion, type ClockEntry, type ValueKind, type Version } from './dvvset';
import { ownedIfSmall } from './owned-bytes';

/** Reused across calls: decoding is synchronous and never re-entered. */
const cursor = { at: 0 };
const KINDS: readonly ValueKind[] = ['string', 'counter', 'set'];
const EMPTY: Buffer = Buffer.alloc(0);

/** The record's entries, unvalidated, or undefined to leave the bytes to protobufjs. */
export function decodeRecordFast(bytes: Buffer): ClockEntry[] | undefined {
  const end = bytes.length;
  cursor.at = 0;
  const entries: ClockEntry[] = [];
  while (cursor.at < end) {
    if (bytes[cursor.at++] !== 0x0a) return undefined; // Record.entries
    const entryEnd = readFieldEnd(bytes, cursor, end);
    if (entryEnd < 0) return undefined;
    const entry = decodeEntry(bytes, entryEnd);
    if (entry === undefined) return undefined;
    entries.push(entry);
  }
  return entries;
}

function decodeEntry(bytes: Buffer, end: number): ClockEntry | undefined {
  let actor = '';
  let counter = 0;
  let updatedMs = 0;
  const versions: Version[] = [];
  let last = 0;
  while (cursor.at < end) {
    const tag = bytes[cursor.at++]!;
    const field = tag >>> 3;
    // One-byte tags in ascending order; only `versions` (3) repeats.
    if (tag >= 0x80 || field < last || (field === last && field !== 3)) return undefined;
    last = field;
    switch (tag) {
      case 0x0a: {
        const text = readAscii(bytes, cursor, end);
        if (text === undefined) return undefined;
        actor = text;
        break;
      }
      case 0x10:
        counter = readSafeInteger(bytes, end);
        if (counter < 0) return undefined;
        break;
      case 0x1a: {
        const versionEnd = readFieldEnd(bytes, cursor, end);
        if (versionEnd < 0) return undefined;
        const version = decodeVersion(bytes, versionEnd);
        if (version === undefined) return undefined;
        versions.push(version);
        break;
      }
      case 0x20:
        updatedMs = readSafeInteger(bytes, end);
        if (updatedMs < 0) return undefined;
        break;
      default:
        return undefined;
    }
  }
  return { actor, counter, versions, updatedMs };
}

function decodeVersion(bytes: Buffer, end: number): Version | undefined {
  let data: Buffer = EMPTY;
  let tombstone = false;
  let timestampMs = 0;
  let expiresAtMs = 0;
  let kind: ValueKind = 'string';
  let flushGeneration = 0;
  let last = 0;
  while (cursor.at < end) {
    const tag = bytes[cursor.at++]!;
    const field = tag >>> 3;
    if (tag >= 0x80 || field <= last) return undefined;
    last = field;
    switch (tag) {
      case 0x0a: {
        const view = readBytes(bytes, cursor, end);
        if (view === undefined) return undefined;
        // As record-codec.ts's protobufjs path: small data copied, larger a view of `bytes`.
        if (view.length > 0) data = ownedIfSmall(view);
        break;
      }
      case 0x10: {
        const value = bytes[cursor.at++];
        if (cursor.at > end || value === undefined || value > 1) return undefined;
        tombstone = value === 1;
        break;
      }
      case 0x18:
        timestampMs = readSafeInteger(bytes, end);
        if (timestampMs < 0) return undefined;
        break;
      case 0x20:
        expiresAtMs = readSafeInteger(bytes, end);
        if (expiresAtMs < 0) return undefined;
        break;
      case 0x28: {
        // An unknown kind (a newer node's) is refused by the protobufjs path, with its error.
        const known = KINDS[readVarint(bytes, cursor, end, 1)];
        if (known === undefined) return undefined;
        kind = known;
        break;
      }
      case 0x30:
        flushGeneration = readVarint(bytes, cursor, end, 5);
        if (flushGeneration < 0 || flushGeneration > 0xffffffff) return undefined;
        break;
      default:
        return undefined;
    }
  }
  return makeVersion({ data, tombstone, timestampMs, expiresAtMs, flushGeneration, kind });
}

/** A varint of at most 8 bytes that is a safe integer, or -1. */
function readSafeInteger(bytes: Buffer, end: number): number {
  const value = readVarint(bytes, cursor, end, 8);
  return Number.isSafeInteger(value) ? value : -1;
}
