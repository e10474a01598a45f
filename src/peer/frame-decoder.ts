/**
 * Cuts the byte stream of a peer connection into frames: a 4-byte big-endian length, then that
 * many bytes (one Envelope). Incremental and pure: feed() it chunks as they arrive, it calls
 * onFrame for every complete frame, in order. No socket, no timers.
 *
 * Bounded memory: the declared length is checked as soon as its 4 bytes are in, before any of
 * the body is buffered, so a peer cannot make us hold more than `frameBytesMax` (plus one
 * chunk) whatever it sends. A length of 0 is refused too: no Envelope encodes to nothing (the
 * protocol version is mandatory), so it can only be garbage.
 *
 * Linear time: a frame that lies within one chunk is a view of it (no copy); a frame that spans
 * chunks is assembled with one Buffer.concat of exactly its bytes when its last byte arrives, so
 * every byte is copied at most once however the stream is cut (re-concatenating on every chunk
 * would be quadratic in a large frame arriving in small pieces).
 *
 * Frames are views into the chunks fed, which feed() takes ownership of (a socket's 'data'
 * chunks are never reused).
 *
 * After an error (onError called once) or stop(), the decoder is dead: feed() does nothing.
 */
import { assert } from '../lib/assert';

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** The largest length a 4-byte prefix can declare. */
export const FRAME_BYTES_LIMIT = 0xffff_ffff;

export type FrameErrorReason = 'EMPTY_FRAME' | 'FRAME_TOO_LARGE';

export class FrameError extends Error {
  override name = 'FrameError';
  readonly reason: FrameErrorReason;
  /** The length the prefix declared. */
  readonly declaredBytes: number;

  constructor(reason: FrameErrorReason, declaredBytes: number, frameBytesMax: number) {
    super(
      reason === 'EMPTY_FRAME'
        ? 'frame declares a length of 0'
        : `frame declares ${declaredBytes} bytes, over frameBytesMax ${frameBytesMax}`,
    );
    this.reason = reason;
    this.declaredBytes = declaredBytes;
  }
}

export interface FrameDecoderOptions {
  /** Largest frame body (the Envelope, prefix excluded) accepted, in bytes. */
  readonly frameBytesMax: number;
  readonly onFrame: (frame: Buffer) => void;
  readonly onError: (error: FrameError) => void;
}

export class FrameDecoder {
  readonly #frameBytesMax: number;
  readonly #onFrame: (frame: Buffer) => void;
  readonly #onError: (error: FrameError) => void;
  /** Chunks (or chunk tails) holding the start of an unfinished frame, oldest first. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** The body length of the held frame, once its prefix is complete. */
  #declaredBytes: number | undefined;
  #dead = false;

  constructor(options: FrameDecoderOptions) {
    assert(
      Number.isSafeInteger(options.frameBytesMax) && options.frameBytesMax >= 1 && options.frameBytesMax <= FRAME_BYTES_LIMIT,
      `frameBytesMax must be an integer in [1, ${FRAME_BYTES_LIMIT}]`,
    );
    this.#frameBytesMax = options.frameBytesMax;
    this.#onFrame = options.onFrame;
    this.#onError = options.onError;
  }

  /** Bytes held for an unfinished frame. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** True after an error or stop(). */
  get dead(): boolean {
    return this.#dead;
  }

  /** Silence the decoder: nothing more is emitted, not even frames already buffered. */
  stop(): void {
    this.#dead = true;
    this.#held = [];
    this.#heldBytes = 0;
  }

  feed(chunk: Buffer): void {
    if (this.#dead || chunk.length === 0) return;
    let rest: Buffer | undefined = chunk;
    if (this.#heldBytes > 0) rest = this.#completeHeld(chunk);
    if (rest !== undefined) this.#scan(rest);
  }

  /** Add `chunk` to the held frame; emit it if now complete; return the bytes after it. */
  #completeHeld(chunk: Buffer): Buffer | undefined {
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#declaredBytes === undefined) {
      if (this.#heldBytes < FRAME_HEADER_BYTES) return undefined;
      const first = this.#held[0] as Buffer;
      const prefix = first.length >= FRAME_HEADER_BYTES ? first : Buffer.concat(this.#held, FRAME_HEADER_BYTES);
      const declared = this.#check(prefix.readUInt32BE(0));
      if (declared === undefined) return undefined;
      this.#declaredBytes = declared;
    }
    const frameEnd = FRAME_HEADER_BYTES + this.#declaredBytes;
    if (this.#heldBytes < frameEnd) return undefined;
    // Every held chunk but the last lies wholly inside the frame; the last may run past it.
    const whole = Buffer.concat(this.#held, frameEnd);
    const after = this.#heldBytes - frameEnd;
    this.#held = [];
    this.#heldBytes = 0;
    this.#declaredBytes = undefined;
    this.#onFrame(whole.subarray(FRAME_HEADER_BYTES));
    if (this.#dead || after === 0) return undefined;
    return chunk.subarray(chunk.length - after);
  }

  /** Emit every frame wholly inside `bytes` (nothing held); hold the unfinished tail. */
  #scan(bytes: Buffer): void {
    let offset = 0;
    while (!this.#dead) {
      const available = bytes.length - offset;
      if (available === 0) return;
      if (available < FRAME_HEADER_BYTES) break;
      const declared = this.#check(bytes.readUInt32BE(offset));
      if (declared === undefined) return;
      if (available < FRAME_HEADER_BYTES + declared) {
        this.#declaredBytes = declared;
        break;
      }
      const start = offset + FRAME_HEADER_BYTES;
      offset = start + declared;
      this.#onFrame(bytes.subarray(start, offset));
    }
    if (this.#dead) return;
    const tail = bytes.subarray(offset);
    this.#held = [tail];
    this.#heldBytes = tail.length;
  }

  /** The declared length if acceptable; otherwise report the error, die, return undefined. */
  #check(declared: number): number | undefined {
    if (declared >= 1 && declared <= this.#frameBytesMax) return declared;
    const error = new FrameError(declared === 0 ? 'EMPTY_FRAME' : 'FRAME_TOO_LARGE', declared, this.#frameBytesMax);
    this.stop();
    this.#onError(error);
    return undefined;
  }
}
