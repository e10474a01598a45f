/**
 * Round trip: random commands (binary arguments, empty ones, a few large ones) encoded as RESP
 * multibulk requests, concatenated, and cut at random points, decode to exactly the commands
 * sent, in order. A second property mixes in inline commands, as telnet or redis-benchmark's
 * PING_INLINE would.
 */
import fc from 'fast-check';
import { RequestDecoder } from '../../src/resp/request-decoder';
import type { RequestLimits } from '../../src/resp/request-limits';

const LIMITS: RequestLimits = {
  bulkBytesMax: 1024 * 1024,
  multibulkLengthMax: 1024,
  inlineBytesMax: 64 * 1024,
  requestBytesMax: 16 * 1024 * 1024,
};

function encodeMultibulk(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) parts.push(Buffer.from(`$${arg.length}\r\n`), arg, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function splitAt(bytes: Buffer, points: readonly number[]): Buffer[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

function decodeAll(chunks: readonly Buffer[]): Buffer[][] {
  const commands: Buffer[][] = [];
  const decoder = new RequestDecoder(LIMITS, (args) => commands.push(args), (message) => {
    throw new Error(`unexpected protocol error: ${message}`);
  });
  for (const chunk of chunks) decoder.feed(chunk);
  expect(decoder.bufferedBytes).toBe(0);
  return commands;
}

/** Mostly small binary arguments (often empty), sometimes one of 16-200 KiB. */
const argument: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 3, arbitrary: fc.constantFrom('', '\r\n', '*1\r\n$1\r\nx\r\n', '$', '\n').map((text) => Buffer.from(text)) },
  {
    weight: 1,
    arbitrary: fc.record({ size: fc.integer({ min: 16 * 1024, max: 200 * 1024 }), fill: fc.nat(255), marks: fc.array(fc.nat(), { maxLength: 4 }) })
      .map(({ size, fill, marks }) => {
        const bytes = Buffer.alloc(size, fill);
        for (const mark of marks) bytes[mark % size] = (fill + 13) % 256; // so a shifted slice would not compare equal
        return bytes;
      }),
  },
);

/** Commands as base64 strings: jest compares those fast, large Buffers element by element slowly. */
function printable(commands: readonly (readonly Buffer[])[]): string[][] {
  return commands.map((args) => args.map((arg) => arg.toString('base64')));
}

const command = fc.array(argument, { minLength: 1, maxLength: 8 });
const cutPoints = fc.array(fc.nat(), { maxLength: 40 });

/** An inline command: words that need no quoting, separated by blanks, and what they decode to. */
const inlineCommand = fc
  .array(fc.stringMatching(/^[A-Za-z0-9:_.{}-]{1,10}$/), { minLength: 1, maxLength: 5 })
  .chain((words) => fc.record({
    words: fc.constant(words),
    separator: fc.constantFrom(' ', '  ', '\t'),
    ending: fc.constantFrom('\r\n', '\n'),
  }))
  .map(({ words, separator, ending }) => ({
    bytes: Buffer.from(words.join(separator) + ending),
    args: words.map((word) => Buffer.from(word)),
  }));

describe('RESP request round trip', () => {
  test('multibulk commands cut anywhere decode to the same commands, in order', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 24 }), cutPoints, (commands, points) => {
        const stream = Buffer.concat(commands.map(encodeMultibulk));
        expect(printable(decodeAll(splitAt(stream, points)))).toEqual(printable(commands));
      }),
      { numRuns: 500 },
    );
  });

  test('inline and multibulk commands mixed on one stream', () => {
    const either = fc.oneof(
      command.map((args) => ({ bytes: encodeMultibulk(args), args })),
      inlineCommand,
    );
    fc.assert(
      fc.property(fc.array(either, { maxLength: 24 }), cutPoints, (commands, points) => {
        const stream = Buffer.concat(commands.map((c) => c.bytes));
        expect(printable(decodeAll(splitAt(stream, points)))).toEqual(printable(commands.map((c) => c.args)));
      }),
      { numRuns: 500 },
    );
  });
});
