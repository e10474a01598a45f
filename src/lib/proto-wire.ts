/**
 * Protobuf wire-format pieces for the hand-written codecs (versioning/record-encoder.ts,
 * peer/hot-codec.ts): varints of non-negative safe integers and an ASCII check. The generated
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
