/**
 * Turns the bytes a client sends into commands (argument lists), incrementally: feed() it
 * chunks as they arrive, it calls onCommand for every complete command, in order. Pure: no
 * socket, no timers.
 *
 * Two request forms share one stream, chosen at each command boundary as Redis does: a `*`
 * starts a RESP multibulk request; anything else starts an inline command ending at `\n`.
 *
 * Multibulk requests go through two stages:
 * 1. MultibulkScanner frames and validates every request (Redis wording, limits checked from
 *    the declared sizes) without touching payload bytes;
 * 2. redis-parser, which the product brief names, materialises the arguments. It is handed
 *    only runs of *complete, validated* requests, one execute() per run, so it never buffers
 *    across chunks and stays at rest between calls. That is deliberate: its cross-chunk path
 *    concatenates large values into a module-wide pool whose slices it hands out, and it
 *    starts a setInterval to shrink that pool, neither of which belongs in a pure layer; and
 *    it does not validate requests (see multibulk-scanner.ts). We assemble a request that spans
 *    chunks ourselves: one Buffer.concat per such request, none for requests within a chunk.
 *
 * Arguments are views into the fed chunk (or into that one concatenation), never into memory
 * that is reused: feed() takes ownership of its chunk, as a socket 'data' chunk allows. A
 * consumer that keeps an argument long after the command (an in-memory store) should copy it,
 * or it pins the whole chunk.
 *
 * After a protocol error (onProtocolError called once, with the Redis-worded message) or
 * stop(), the decoder is dead: commands not yet emitted are dropped, feed() does nothing.
 */
import RedisParser from 'redis-parser';
import { splitInlineArgs } from './inline-args';
import { MultibulkScanner, SCAN_FAILED, SCAN_NEED_MORE } from './multibulk-scanner';
import type { RequestLimits } from './request-limits';

export type { RequestLimits } from './request-limits';

const STAR = 0x2a;
const LF = 0x0a;
const CR = 0x0d;

export const TOO_BIG_INLINE_REQUEST = 'Protocol error: too big inline request';
export const UNBALANCED_QUOTES = 'Protocol error: unbalanced quotes in request';
/** Reported only if the scanner and redis-parser ever disagree: a bug here, never the client's fault. */
export const INTERNAL_FRAMING_ERROR = 'Protocol error: internal request framing error';

/** What is held between chunks: nothing, the start of a multibulk request, or of an inline line. */
const HOLDING_NOTHING = 0;
const HOLDING_MULTIBULK = 1;
const HOLDING_INLINE = 2;
type Holding = typeof HOLDING_NOTHING | typeof HOLDING_MULTIBULK | typeof HOLDING_INLINE;

/**
 * redis-parser 3.0.0 internals (the version is pinned). We only read them, after each
 * execute(), to check the invariant that the parser holds nothing between calls.
 */
interface RedisParserInternals {
  readonly buffer: Buffer | null;
  readonly bigStrSize: number;
  readonly arrayCache: readonly unknown[];
  readonly bufferCache: readonly Buffer[];
}

export class RequestDecoder {
  readonly #limits: RequestLimits;
  readonly #onCommand: (args: Buffer[]) => void;
  readonly #onProtocolError: (message: string) => void;
  readonly #scanner: MultibulkScanner;
  readonly #parser: RedisParser;
  /** The chunk tails holding the start of the unfinished request, oldest first. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #holding: Holding = HOLDING_NOTHING;
  #stopped = false;
  #feeding = false;

  constructor(limits: RequestLimits, onCommand: (args: Buffer[]) => void, onProtocolError: (message: string) => void) {
    this.#limits = limits;
    this.#onCommand = onCommand;
    this.#onProtocolError = onProtocolError;
    this.#scanner = new MultibulkScanner(limits);
    this.#parser = new RedisParser({
      returnBuffers: true,
      returnReply: (reply) => this.#onParsedRequest(reply),
      returnError: () => this.#fail(INTERNAL_FRAMING_ERROR),
      returnFatalError: () => this.#fail(INTERNAL_FRAMING_ERROR),
    });
  }

  /** Bytes held for an unfinished request (Redis's "qbuf" in CLIENT LIST). */
  get bufferedBytes(): number {
    return this.#heldBytes;
  }

  /** True after a protocol error or stop(). */
  get isStopped(): boolean {
    return this.#stopped;
  }

  /**
   * Decodes `chunk`, calling onCommand for every command it completes. Not reentrant: calling
   * feed() from onCommand throws. If onCommand throws, the decoder stops (it cannot know how
   * far the stream was consumed) and the exception propagates.
   */
  feed(chunk: Buffer): void {
    if (this.#stopped || chunk.length === 0) return;
    if (this.#feeding) throw new Error('RequestDecoder.feed() called from inside onCommand');
    this.#feeding = true;
    try {
      this.#decode(chunk);
    } catch (error) {
      this.stop();
      throw error;
    } finally {
      this.#feeding = false;
    }
  }

  /** Emits nothing more, even from the chunk being decoded (e.g. after QUIT). */
  stop(): void {
    this.#stopped = true;
    this.#held = [];
    this.#heldBytes = 0;
    this.#holding = HOLDING_NOTHING;
    // No parser.reset(): stop() may run inside the parser's own callback, where resetting would
    // break the loop it is in. The parser is at rest between calls, and after stop() unused.
  }

  #decode(chunk: Buffer): void {
    let pos = 0;
    if (this.#holding === HOLDING_MULTIBULK) {
      pos = this.#scanner.scan(chunk, 0);
      if (pos === SCAN_NEED_MORE) return this.#hold(chunk, HOLDING_MULTIBULK);
      if (pos === SCAN_FAILED) return this.#fail(this.#scanner.error);
      this.#execute(this.#takeHeld(chunk, pos));
    } else if (this.#holding === HOLDING_INLINE) {
      const newline = chunk.indexOf(LF);
      if (newline < 0) return this.#holdInline(chunk);
      const line = this.#takeHeld(chunk, newline);
      if (!this.#inlineLine(line, 0, line.length)) return;
      pos = newline + 1;
    }
    this.#decodeFrom(chunk, pos);
  }

  /** Decodes `chunk` from a command boundary at `pos`. */
  #decodeFrom(chunk: Buffer, pos: number): void {
    const end = chunk.length;
    // Consecutive complete multibulk requests go to redis-parser in one execute().
    let runStart = pos;
    while (pos < end && !this.#stopped) {
      if (chunk[pos] === STAR) {
        const next = this.#scanner.scan(chunk, pos);
        if (next >= 0) {
          pos = next;
          continue;
        }
        this.#executeRange(chunk, runStart, pos);
        if (next === SCAN_NEED_MORE) this.#hold(chunk.subarray(pos), HOLDING_MULTIBULK);
        else this.#fail(this.#scanner.error);
        return;
      }
      this.#executeRange(chunk, runStart, pos);
      const newline = chunk.indexOf(LF, pos);
      if (newline < 0) return this.#holdInline(chunk.subarray(pos));
      if (!this.#inlineLine(chunk, pos, newline)) return;
      pos = newline + 1;
      runStart = pos;
    }
    this.#executeRange(chunk, runStart, pos);
  }

  /** Handles the inline line `buf[start, newline)`; false if it was a protocol error. */
  #inlineLine(buf: Buffer, start: number, newline: number): boolean {
    const lineEnd = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    if (lineEnd - start > this.#limits.inlineBytesMax) {
      this.#fail(TOO_BIG_INLINE_REQUEST);
      return false;
    }
    const args = splitInlineArgs(buf, start, lineEnd);
    if (args === null) {
      this.#fail(UNBALANCED_QUOTES);
      return false;
    }
    // Redis ignores empty and all-blank lines (clients send them as keep-alives).
    if (args.length > 0) this.#emit(args);
    return true;
  }

  /**
   * Holds the start of an inline line, refusing it as soon as it must be too long: its content
   * is at least what is held, less a final `\r` that may turn out to be part of `\r\n`.
   */
  #holdInline(part: Buffer): void {
    this.#hold(part, HOLDING_INLINE);
    const contentBytesMin = part[part.length - 1] === CR ? this.#heldBytes - 1 : this.#heldBytes;
    if (contentBytesMin > this.#limits.inlineBytesMax) this.#fail(TOO_BIG_INLINE_REQUEST);
  }

  #hold(part: Buffer, holding: Holding): void {
    if (this.#stopped) return;
    this.#held.push(part);
    this.#heldBytes += part.length;
    this.#holding = holding;
  }

  /** The held bytes followed by `chunk[0, end)`, as one Buffer; nothing is held afterwards. */
  #takeHeld(chunk: Buffer, end: number): Buffer {
    const parts = this.#held;
    parts.push(chunk.subarray(0, end));
    const joined = Buffer.concat(parts, this.#heldBytes + end);
    this.#held = [];
    this.#heldBytes = 0;
    this.#holding = HOLDING_NOTHING;
    return joined;
  }

  #executeRange(chunk: Buffer, start: number, end: number): void {
    if (end > start) this.#execute(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
  }

  /** Runs redis-parser over complete, validated requests; it must be at rest afterwards. */
  #execute(requests: Buffer): void {
    if (this.#stopped) return;
    this.#parser.execute(requests);
    const internals = this.#parser as unknown as RedisParserInternals;
    if (internals.buffer !== null || internals.bigStrSize !== 0
        || internals.arrayCache.length !== 0 || internals.bufferCache.length !== 0) {
      this.#fail(INTERNAL_FRAMING_ERROR);
    }
  }

  /** redis-parser's returnReply: `*0` and `*-1` requests come back as [] and null and are ignored. */
  #onParsedRequest(reply: unknown): void {
    // The scanner let through only arrays of bulk strings, so a non-empty array is Buffer[].
    if (Array.isArray(reply) && reply.length > 0) this.#emit(reply as Buffer[]);
  }

  #emit(args: Buffer[]): void {
    if (!this.#stopped) this.#onCommand(args);
  }

  #fail(message: string): void {
    if (this.#stopped) return;
    this.stop();
    this.#onProtocolError(message);
  }
}
