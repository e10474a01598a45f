/**
 * Types for redis-parser 3.0.0 (the version is pinned in package.json; the package ships none).
 * Only the public surface is declared here; request-decoder.ts reads a few internal fields
 * through its own local interface, so that reliance stays visible in one place.
 */
declare module 'redis-parser' {
  interface RedisParserOptions {
    /** Called once per complete top-level reply, in order. */
    returnReply(reply: unknown): void;
    /** Called for a top-level `-` error reply. */
    returnError(error: Error): void;
    /** Called when the input is not RESP at all; defaults to returnError. */
    returnFatalError?(error: Error): void;
    /** Bulk and simple strings as Buffers instead of UTF-8 strings. */
    returnBuffers?: boolean;
    /** Integers as strings instead of numbers. */
    stringNumbers?: boolean;
  }

  class RedisParser {
    constructor(options: RedisParserOptions);
    /** Parses a chunk, calling the callbacks for every reply it completes. */
    execute(chunk: Buffer): void;
    /** Forgets any partly parsed reply. */
    reset(): void;
  }

  export = RedisParser;
}
