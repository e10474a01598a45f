/**
 * Collects the bytes of the replies owed to one client so they leave in one socket write.
 *
 * Small pieces are appended to a JS string and converted to bytes once, by take(): string
 * concatenation is cheap in V8 (ropes) and one Buffer.from at the end beats many small copies.
 * The string holds *bytes* (one char per byte, 'latin1'), so text and binary can share it:
 * protocol text is ASCII already, other text is first encoded as UTF-8, and small Buffers are
 * appended byte for byte. That also makes byteLength exact without measuring anything.
 * Buffers of LARGE_BUFFER_BYTES or more are not turned into strings: they are kept by
 * reference and copied once, into the Buffer take() returns.
 */

/** From this size a Buffer is referenced rather than appended to the pending string. */
export const LARGE_BUFFER_BYTES = 16 * 1024;

export class ReplyWriter {
  /** Pending bytes, one char per byte. */
  #text = '';
  /** Bytes that precede #text: flushed text and large Buffers, in order. */
  #parts: Buffer[] = [];
  #partsBytes = 0;

  /** Bytes accumulated since the last take(). */
  get byteLength(): number {
    return this.#partsBytes + this.#text.length;
  }

  /**
   * Appends `data`: a string is written as UTF-8, a Buffer as is. A large Buffer is kept by
   * reference until take(), so it must not be modified before then.
   */
  push(data: string | Buffer): void {
    if (typeof data === 'string') {
      // UTF-8 is as long as the string exactly when every char is ASCII.
      if (Buffer.byteLength(data) === data.length) this.#text += data;
      else this.#text += Buffer.from(data, 'utf8').toString('latin1');
    } else if (data.length >= LARGE_BUFFER_BYTES) {
      this.#flushText();
      this.#parts.push(data);
      this.#partsBytes += data.length;
    } else {
      this.#text += data.toString('latin1');
    }
  }

  /** Appends protocol text the caller knows to be 7-bit ASCII (headers, numbers, CRLF). */
  pushAscii(text: string): void {
    this.#text += text;
  }

  /** Everything accumulated, as one Buffer the writer will not touch again; then starts empty. */
  take(): Buffer {
    if (this.#parts.length === 0) {
      const bytes = Buffer.from(this.#text, 'latin1');
      this.#text = '';
      return bytes;
    }
    this.#flushText();
    const parts = this.#parts;
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, this.#partsBytes);
    this.#parts = [];
    this.#partsBytes = 0;
    return bytes;
  }

  #flushText(): void {
    if (this.#text.length === 0) return;
    this.#parts.push(Buffer.from(this.#text, 'latin1'));
    this.#partsBytes += this.#text.length;
    this.#text = '';
  }
}
