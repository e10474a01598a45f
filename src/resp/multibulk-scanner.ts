/**
 * Finds where one RESP multibulk request (`*<n>\r\n` then n times `$<len>\r\n<bytes>\r\n`)
 * ends, and refuses it as Redis's processMultibulkBuffer would, without copying or looking at
 * payload bytes: it reads the short header lines and skips each payload by its declared length.
 *
 * Why this exists next to redis-parser: redis-parser is a *reply* parser and trusts its input.
 * Given a hostile request it would accept `+x`/`:1` elements as arguments, read `$1x` as a
 * length, allocate `new Array(n)` for every nested `*n` it meets (and recurse, so a few KiB of
 * `*1000000\r\n` exhaust memory or the stack), and throw on a count above 2^32. So every byte is
 * framed here first and redis-parser only ever sees complete, valid requests (see
 * request-decoder.ts).
 *
 * The scanner is resumable: a request split across chunks at any byte gives the same result,
 * including which error is reported. Errors are reported as soon as the bytes prove them.
 */
import type { RequestLimits } from './request-limits';

const DOLLAR = 0x24;
const CR = 0x0d;
const MINUS = 0x2d;
const ZERO = 0x30;

/** Redis's string2ll refuses 21 characters or more, so a longer length line is invalid however it ends. */
const LENGTH_TEXT_BYTES_MAX = 20;
const INT64_MAX_TEXT = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';
/** Up to 15 digits the digit-by-digit sum is exact. */
const SAFE_DIGITS_MAX = 15;

/** scan() results that are not an end position. */
export const SCAN_NEED_MORE = -1;
export const SCAN_FAILED = -2;

export const INVALID_MULTIBULK_LENGTH = 'Protocol error: invalid multibulk length';
export const INVALID_BULK_LENGTH = 'Protocol error: invalid bulk length';
export const REQUEST_TOO_BIG = 'Protocol error: request exceeds the query buffer limit';

/**
 * Reads `text[start, end)` as Redis's string2ll does (optional `-`, no `+`, no leading zeros,
 * nothing but digits, within int64), or undefined where string2ll would fail. Values beyond
 * 2^53 are the nearest double, which is harmless: every limit they meet is far smaller.
 */
export function parseLengthText(text: Buffer, start: number, end: number): number | undefined {
  if (end - start > LENGTH_TEXT_BYTES_MAX) return undefined;
  const negative = start < end && text[start] === MINUS;
  const digitsStart = negative ? start + 1 : start;
  const digitCount = end - digitsStart;
  if (digitCount <= 0) return undefined;
  if (text[digitsStart] === ZERO) return digitCount === 1 && !negative ? 0 : undefined;
  let value = 0;
  for (let i = digitsStart; i < end; i++) {
    const digit = text[i] - ZERO;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (digitCount > SAFE_DIGITS_MAX) {
    const digits = text.toString('latin1', digitsStart, end);
    // Same-length digit strings compare like the numbers they spell.
    const bound = negative ? INT64_MIN_DIGITS : INT64_MAX_TEXT;
    if (digitCount > bound.length || (digitCount === bound.length && digits > bound)) return undefined;
    value = Number(digits); // rounded once, not at every digit
  }
  return negative ? -value : value;
}

/** Index of the first `\r` in `buf[from, to)`, or -1. Header lines are short, so a loop beats indexOf. */
function findCr(buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) if (buf[i] === CR) return i;
  return -1;
}

/** Redis prints the offending byte as is; a CR or LF there would break the error reply's line. */
function expectedDollarMessage(byte: number): string {
  const shown = byte === CR || byte === 0x0a ? ' ' : String.fromCharCode(byte);
  return `Protocol error: expected '$', got '${shown}'`;
}

export class MultibulkScanner {
  readonly #limits: RequestLimits;
  /** Elements whose `$` line has not been read yet; -1 until the `*` line is read. */
  #elementsLeft = -1;
  /** Bytes to pass over before the next line: the byte after a line's `\r`, then payload + CRLF. */
  #skipBytes = 0;
  /** Bytes of the current request consumed by earlier scan() calls. */
  #earlierBytes = 0;
  /** Between a line's type byte and its `\r`. */
  #inLine = false;
  /** The part of a length line that arrived in earlier chunks (at most LENGTH_TEXT_BYTES_MAX). */
  readonly #lineCarry = Buffer.alloc(LENGTH_TEXT_BYTES_MAX);
  #lineCarryBytes = 0;
  #error = '';

  constructor(limits: RequestLimits) {
    this.#limits = limits;
  }

  /** Why the last scan() returned SCAN_FAILED (a Redis-worded "Protocol error: ..."). */
  get error(): string {
    return this.#error;
  }

  /**
   * Continues the current request from `buf[start]` (for a new request, `buf[start]` must be
   * the `*`). Returns the index just past the request's last byte, SCAN_NEED_MORE when `buf`
   * ended first (everything from `start` belongs to the request), or SCAN_FAILED.
   * Redis, like redis-parser, does not check the byte after a line's `\r` nor the CRLF after a
   * payload; neither do we, so both sides agree on where every element ends.
   */
  scan(buf: Buffer, start: number): number {
    const end = buf.length;
    let pos = start;
    for (;;) {
      if (this.#skipBytes > 0) {
        if (end - pos < this.#skipBytes) {
          this.#skipBytes -= end - pos;
          return this.#needMore(end - start);
        }
        pos += this.#skipBytes;
        this.#skipBytes = 0;
        if (this.#elementsLeft === 0) {
          this.#elementsLeft = -1;
          this.#earlierBytes = 0;
          return pos;
        }
      }
      if (pos === end) return this.#needMore(end - start);
      if (!this.#inLine) {
        // A request only starts at a `*`, so only element lines need their type checked.
        if (this.#elementsLeft >= 0 && buf[pos] !== DOLLAR) return this.#fail(expectedDollarMessage(buf[pos]));
        this.#inLine = true;
        pos++;
      }
      const windowEnd = Math.min(end, pos + LENGTH_TEXT_BYTES_MAX + 1 - this.#lineCarryBytes);
      const cr = findCr(buf, pos, windowEnd);
      if (cr < 0) {
        const carried = this.#lineCarryBytes + (end - pos);
        if (carried > LENGTH_TEXT_BYTES_MAX) return this.#fail(this.#invalidLengthMessage());
        buf.copy(this.#lineCarry, this.#lineCarryBytes, pos, end);
        this.#lineCarryBytes = carried;
        return this.#needMore(end - start);
      }
      const value = this.#readLength(buf, pos, cr);
      pos = cr + 1;
      const failure = this.#elementsLeft < 0 ? this.#onCount(value) : this.#onBulkLength(value, this.#earlierBytes + pos - start);
      if (failure !== undefined) return this.#fail(failure);
    }
  }

  #readLength(buf: Buffer, pos: number, cr: number): number | undefined {
    this.#inLine = false;
    if (this.#lineCarryBytes === 0) return parseLengthText(buf, pos, cr);
    buf.copy(this.#lineCarry, this.#lineCarryBytes, pos, cr);
    const textBytes = this.#lineCarryBytes + cr - pos;
    this.#lineCarryBytes = 0;
    return parseLengthText(this.#lineCarry, 0, textBytes);
  }

  /** The `*<count>` line; a count of zero or less is a request Redis silently ignores. */
  #onCount(count: number | undefined): string | undefined {
    if (count === undefined || count > this.#limits.multibulkLengthMax) return INVALID_MULTIBULK_LENGTH;
    this.#elementsLeft = count > 0 ? count : 0;
    this.#skipBytes = 1;
    return undefined;
  }

  /** A `$<length>` line; `consumedBytes` counts the request up to and including its `\r`. */
  #onBulkLength(length: number | undefined, consumedBytes: number): string | undefined {
    if (length === undefined || length < 0 || length > this.#limits.bulkBytesMax) return INVALID_BULK_LENGTH;
    // Refuse as soon as the declared sizes pass the limit, before buffering the bytes.
    if (consumedBytes + 1 + length + 2 > this.#limits.requestBytesMax) return REQUEST_TOO_BIG;
    this.#elementsLeft--;
    this.#skipBytes = 1 + length + 2;
    return undefined;
  }

  #invalidLengthMessage(): string {
    return this.#elementsLeft < 0 ? INVALID_MULTIBULK_LENGTH : INVALID_BULK_LENGTH;
  }

  #needMore(consumedBytes: number): number {
    this.#earlierBytes += consumedBytes;
    return SCAN_NEED_MORE;
  }

  #fail(message: string): number {
    this.#error = message;
    return SCAN_FAILED;
  }
}
