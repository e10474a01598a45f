/**
 * Collects the bytes of the replies owed to one client so they leave in one socket write.
 *
 * Bytes go into a scratch Buffer owned by the writer, and take() copies them out once into a
 * Buffer of exactly their size. Short text and small Buffers are copied byte by byte in
 * JavaScript: a reply is mostly a few short pieces (`$3\r\n`, the value, CRLF), for which a call
 * into C++ (toString, latin1Write, copy) costs more than the copy itself, and GET spends its time
 * here. Buffers of LARGE_BUFFER_BYTES or more are kept by reference and copied once, into the
 * Buffer take() returns.
 *
 * The scratch starts small and grows by doubling up to SCRATCH_BYTES_MAX; a writer that grew it
 * past SCRATCH_BYTES_KEPT gives it back at take(), so idle clients hold little memory.
 */

/** From this size a Buffer is referenced rather than copied into the scratch. */
export const LARGE_BUFFER_BYTES = 16 * 1024;
/** First scratch size; enough for the replies of a typical pipeline burst. */
const SCRATCH_BYTES_FIRST = 1024;
/** The scratch never grows past this: more bytes are moved out into parts first. */
const SCRATCH_BYTES_MAX = 64 * 1024;
/** A scratch larger than this is released at take(). */
const SCRATCH_BYTES_KEPT = 4 * 1024;
/** Up to this many bytes or chars, copying in JavaScript beats a native call. */
const INLINE_COPY_MAX = 64;

const EMPTY = Buffer.alloc(0);

export class ReplyWriter {
  #scratch: Buffer = EMPTY;
  /** Bytes used in #scratch. */
  #used = 0;
  /** Bytes that precede the scratch's: scratch contents moved out, and large Buffers, in order. */
  #parts: Buffer[] = [];
  #partsBytes = 0;

  /** Bytes accumulated since the last take(). */
  get byteLength(): number {
    return this.#partsBytes + this.#used;
  }

  /**
   * Appends `data`: a string is written as UTF-8, a Buffer as is. A large Buffer is kept by
   * reference until take(), so it must not be modified before then.
   */
  push(data: string | Buffer): void {
    if (typeof data === 'string') {
      const bytes = Buffer.byteLength(data);
      // UTF-8 is as long as the string exactly when every char is ASCII.
      if (bytes === data.length) return this.pushAscii(data);
      this.#reserve(bytes);
      this.#used += this.#scratch.write(data, this.#used, bytes, 'utf8');
    } else if (data.length >= LARGE_BUFFER_BYTES) {
      this.#moveScratchOut();
      this.#parts.push(data);
      this.#partsBytes += data.length;
    } else {
      this.#reserve(data.length);
      const scratch = this.#scratch;
      let at = this.#used;
      if (data.length <= INLINE_COPY_MAX) for (let i = 0; i < data.length; i++) scratch[at++] = data[i];
      else at += data.copy(scratch, at);
      this.#used = at;
    }
  }

  /** Appends protocol text the caller knows to be 7-bit ASCII (headers, numbers, CRLF). */
  pushAscii(text: string): void {
    const length = text.length;
    this.#reserve(length);
    const scratch = this.#scratch;
    let at = this.#used;
    if (length <= INLINE_COPY_MAX) for (let i = 0; i < length; i++) scratch[at++] = text.charCodeAt(i);
    else at += scratch.write(text, at, length, 'latin1');
    this.#used = at;
  }

  /** Everything accumulated, as one Buffer the writer will not touch again; then starts empty. */
  take(): Buffer {
    if (this.#parts.length === 0) {
      // Buffer.allocUnsafe takes small sizes from Node's shared pool: no malloc per reply.
      const bytes = Buffer.allocUnsafe(this.#used);
      this.#scratch.copy(bytes, 0, 0, this.#used);
      this.#resetScratch();
      return bytes;
    }
    this.#moveScratchOut();
    const parts = this.#parts;
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, this.#partsBytes);
    this.#parts = [];
    this.#partsBytes = 0;
    this.#resetScratch();
    return bytes;
  }

  /** Room for `bytes` more in the scratch, growing it or moving its contents out. */
  #reserve(bytes: number): void {
    const needed = this.#used + bytes;
    if (needed <= this.#scratch.length) return;
    if (needed <= SCRATCH_BYTES_MAX) {
      let size = Math.max(this.#scratch.length * 2, SCRATCH_BYTES_FIRST);
      while (size < needed) size *= 2;
      const grown = Buffer.allocUnsafeSlow(size);
      this.#scratch.copy(grown, 0, 0, this.#used);
      this.#scratch = grown;
      return;
    }
    // Too much for the scratch: what it holds becomes a part, and a piece larger than the
    // scratch itself (long UTF-8 text) gets a scratch of its own size, released at take().
    this.#moveScratchOut();
    if (bytes > this.#scratch.length) this.#scratch = Buffer.allocUnsafeSlow(bytes);
  }

  #moveScratchOut(): void {
    if (this.#used === 0) return;
    this.#parts.push(Buffer.from(this.#scratch.subarray(0, this.#used)));
    this.#partsBytes += this.#used;
    this.#used = 0;
  }

  #resetScratch(): void {
    this.#used = 0;
    if (this.#scratch.length > SCRATCH_BYTES_KEPT) this.#scratch = EMPTY;
  }
}
