/**
 * An Envelope as one frame: the 4-byte big-endian length of the Envelope bytes, then the bytes
 * (the format FrameDecoder reads). The body is copied once, into the frame, so the socket gets
 * one write per message.
 */
import { encodeEnvelope, type Envelope } from './codec';
import { FRAME_HEADER_BYTES } from './frame-decoder';
import { encodeHotFrame } from './hot-codec';

export function encodeFrame(envelope: Envelope): Buffer {
  // The replica envelopes of every request are written by hand, straight into the frame.
  const hot = encodeHotFrame(envelope);
  if (hot !== undefined) return hot;
  const body = encodeEnvelope(envelope);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** The Envelope bytes a frame carries (what frameBytesMax limits). */
export function frameBodyBytes(frame: Buffer): number {
  return frame.length - FRAME_HEADER_BYTES;
}
