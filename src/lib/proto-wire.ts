/**
 * Protobuf wire-format pieces for the hand-written codecs (versioning/record-encoder.ts,
 * peer/hot-codec.ts): varints of non-negative safe integers, length-delimited bytes and ASCII
 * strings, and an ASCII check. Readers advance a caller's cursor and return -1 or undefined for
 * anything they do not take, never throwing: the caller then leaves the message to protobufjs. The generated
 * protobufjs code stays the reference; these exist only for the messages sent per request.
 */

/** Bytes of the varint of a non-negative safe integer. */
export function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}

/** Writes the varint of a non-negative safe integer at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    out[at++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/**
 * Reads a varint of at most `bytesMax` bytes (7 bits each, so at most 2^(7*bytesMax) - 1) from
 * `at`. Returns the value and sets `cursor.at` past it, or returns -1 (truncated, or longer than
 * bytesMax): the caller then leaves the message to protobufjs.
 */
export function readVarint(bytes: Uint8Array, cursor: { at: number }, end: number, bytesMax: number): number {
  let at = cursor.at;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytesMax; i++) {
    if (at >= end) return -1;
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      cursor.at = at;
      return value;
    }
    scale *= 128;
  }
  return -1;
}

export function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Bytes of a length-delimited field of `length` bytes with a one-byte tag. */
export function bytesField(length: number): number {
  return 1 + varintBytes(length) + length;
}

/** Writes length and bytes at `start`; returns the position after them. */
export function writeBytes(out: Buffer, start: number, bytes: Buffer): number {
  let at = writeVarint(out, start, bytes.length);
  // A loop beats copy()'s native call for the short keys and records of most requests.
  if (bytes.length <= 64) for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i]!;
  else at += bytes.copy(out, at);
  return at;
}

/** Writes length and characters of an ASCII string (the caller checked isAscii). */
export function writeAscii(out: Buffer, start: number, text: string): number {
  let at = writeVarint(out, start, text.length);
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** A uint32 varint (at most 5 bytes, value below 2^32) at `cursor.at`, or -1. */
export function readUint32(bytes: Buffer, cursor: { at: number }, end: number): number {
  const value = readVarint(bytes, cursor, end, 5);
  return value > 0xffffffff ? -1 : value;
}

/** A length-delimited field's bytes (a view, not a copy), or undefined if it overruns `end`. */
export function readBytes(bytes: Buffer, cursor: { at: number }, end: number): Buffer | undefined {
  const fieldEnd = readFieldEnd(bytes, cursor, end);
  if (fieldEnd < 0) return undefined;
  const start = cursor.at;
  cursor.at = fieldEnd;
  return bytes.subarray(start, fieldEnd);
}

/** A length-delimited field's length, read at `cursor.at`: where the field ends, or -1 if it overruns `end`. */
export function readFieldEnd(bytes: Buffer, cursor: { at: number }, end: number): number {
  const length = readUint32(bytes, cursor, end);
  if (length < 0 || cursor.at + length > end) return -1;
  return cursor.at + length;
}

/** A length-delimited string if every byte is ASCII (UTF-8 decoders agree on those), else undefined. */
export function readAscii(bytes: Buffer, cursor: { at: number }, end: number): string | undefined {
  const fieldEnd = readFieldEnd(bytes, cursor, end);
  if (fieldEnd < 0) return undefined;
  const start = cursor.at;
  for (let i = start; i < fieldEnd; i++) if (bytes[i]! >= 0x80) return undefined;
  cursor.at = fieldEnd;
  return bytes.toString('latin1', start, fieldEnd);
}
