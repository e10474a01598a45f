/**
 * RequestDecoder under random bytes and under truncated and mutated valid requests:
 * - it never throws;
 * - it emits commands, then at most one protocol error, and nothing after it;
 * - the error is one of the Redis-worded messages, never the internal framing guard;
 * - the outcome does not depend on how the input is cut into chunks;
 * - the outcome is what a plain, whole-buffer model of Redis's processInputBuffer gives.
 * fast-check prints the seed and the shrunk input of any failure. Runs are bounded to keep the
 * file to a few seconds.
 */
import fc from 'fast-check';
import { splitInlineArgs } from '../../src/resp/inline-args';
import { INTERNAL_FRAMING_ERROR, RequestDecoder } from '../../src/resp/request-decoder';
import type { RequestLimits } from '../../src/resp/request-limits';

/** Small limits, so random input reaches them. */
const LIMITS: RequestLimits = { bulkBytesMax: 64, multibulkLengthMax: 16, inlineBytesMax: 48, requestBytesMax: 256 };

const MESSAGES = new Set([
  'Protocol error: invalid multibulk length',
  'Protocol error: invalid bulk length',
  'Protocol error: too big inline request',
  'Protocol error: unbalanced quotes in request',
  'Protocol error: request exceeds the query buffer limit',
]);

type Event = string[] | { error: string };

function decode(chunks: readonly Buffer[]): Event[] {
  const events: Event[] = [];
  const decoder = new RequestDecoder(
    LIMITS,
    (args) => events.push(args.map((arg) => arg.toString('latin1'))),
    (message) => events.push({ error: message }),
  );
  for (const chunk of chunks) decoder.feed(chunk);
  return events;
}

/**
 * The model: Redis's request loop over the whole input, written for clarity, not speed. It
 * stops where it would wait for more bytes. Errors are raised as early as the decoder raises
 * them: a wrong element type at its first byte, a length line once it is longer than any valid
 * number (20 bytes), an inline line once it must be too long, a request once its declared
 * sizes pass requestBytesMax.
 */
function model(input: Buffer): Event[] {
  const events: Event[] = [];
  const fail = (message: string): Event[] => [...events, { error: message }];
  const readLength = (lineStart: number): { value: bigint | undefined; cr: number } | 'wait' | 'too long' => {
    const cr = input.indexOf(13, lineStart);
    const textEnd = cr < 0 ? input.length : cr;
    if (textEnd - lineStart > 20) return 'too long';
    if (cr < 0) return 'wait';
    const text = input.toString('latin1', lineStart, cr);
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return { value: undefined, cr };
    const value = BigInt(text);
    return { value: value >= -(2n ** 63n) && value < 2n ** 63n ? value : undefined, cr };
  };
  let pos = 0;
  while (pos < input.length) {
    if (input[pos] !== 0x2a) {
      const newline = input.indexOf(10, pos);
      if (newline < 0) {
        const held = input.length - pos;
        const contentMin = input[input.length - 1] === 13 ? held - 1 : held;
        return contentMin > LIMITS.inlineBytesMax ? fail('Protocol error: too big inline request') : events;
      }
      const end = newline > pos && input[newline - 1] === 13 ? newline - 1 : newline;
      if (end - pos > LIMITS.inlineBytesMax) return fail('Protocol error: too big inline request');
      const args = splitInlineArgs(input, pos, end);
      if (args === null) return fail('Protocol error: unbalanced quotes in request');
      if (args.length > 0) events.push(args.map((arg) => arg.toString('latin1')));
      pos = newline + 1;
      continue;
    }
    const count = readLength(pos + 1);
    if (count === 'too long') return fail('Protocol error: invalid multibulk length');
    if (count === 'wait') return events;
    if (count.value === undefined || count.value > BigInt(LIMITS.multibulkLengthMax)) return fail('Protocol error: invalid multibulk length');
    let next = count.cr + 2;
    const args: string[] = [];
    for (let i = 0n; i < count.value; i++) {
      if (next >= input.length) return events;
      if (input[next] !== 0x24) {
        const shown = input[next] === 13 || input[next] === 10 ? ' ' : String.fromCharCode(input[next]);
        return fail(`Protocol error: expected '$', got '${shown}'`);
      }
      const length = readLength(next + 1);
      if (length === 'too long') return fail('Protocol error: invalid bulk length');
      if (length === 'wait') return events;
      if (length.value === undefined || length.value < 0n || length.value > BigInt(LIMITS.bulkBytesMax)) return fail('Protocol error: invalid bulk length');
      const size = Number(length.value);
      if (length.cr + 1 - pos + 1 + size + 2 > LIMITS.requestBytesMax) return fail('Protocol error: request exceeds the query buffer limit');
      const dataStart = length.cr + 2;
      if (dataStart + size + 2 > input.length) return events;
      args.push(input.toString('latin1', dataStart, dataStart + size));
      next = dataStart + size + 2;
    }
    if (next > input.length) return events; // the count line's LF has not arrived
    if (args.length > 0) events.push(args);
    pos = next;
  }
  return events;
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

function checkOutcome(input: Buffer, points: readonly number[]): void {
  let whole: Event[] = [];
  expect(() => { whole = decode([input]); }).not.toThrow();
  const errors = whole.filter((event) => !Array.isArray(event));
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors.length === 1) {
    expect(whole[whole.length - 1]).toBe(errors[0]);
    const { error } = errors[0] as { error: string };
    expect(error).not.toBe(INTERNAL_FRAMING_ERROR);
    expect(MESSAGES.has(error) || error.startsWith("Protocol error: expected '$', got '")).toBe(true);
  }
  expect(decode(splitAt(input, points))).toEqual(whole);
  expect(whole).toEqual(model(input));
}

/** Bytes that matter to the protocol, so random input hits interesting paths often. */
const PROTOCOL_BYTES = [...'*$\r\n-+:0123456789 \t"\'\\xAz'].map((c) => c.charCodeAt(0));
const interestingByte = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PROTOCOL_BYTES) }, { weight: 1, arbitrary: fc.nat(255) });

const VALID_REQUESTS = [
  '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n',
  '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n',
  '*1\r\n$4\r\nPING\r\n',
  '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n',
  '*0\r\n',
  '*-1\r\n',
  'PING\r\n',
  'SET k "a b\\x41"\n',
  "GET 'q'\r\n",
  '\r\n',
  `*2\r\n$4\r\nECHO\r\n$64\r\n${'v'.repeat(64)}\r\n`,
  // Exactly requestBytesMax (256) bytes: one inserted byte in a length makes it too big.
  `*5\r\n$3\r\nSET\r\n$60\r\n${'k'.repeat(60)}\r\n$60\r\n${'v'.repeat(60)}\r\n$60\r\n${'w'.repeat(60)}\r\n$35\r\n${'x'.repeat(35)}\r\n`,
].map((text) => Buffer.from(text, 'latin1'));

type Mutation = { kind: 'replace' | 'insert' | 'delete'; at: number; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
  at: fc.nat(),
  byte: interestingByte,
});

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  const out = [...bytes];
  for (const { kind, at, byte } of mutations) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 'replace' && out.length > 0) out[i] = byte;
    else if (kind === 'insert') out.splice(i, 0, byte);
    else out.splice(i, 1);
  }
  return Buffer.from(out);
}

/** A well-formed request with arguments of random sizes up to the bulk limit: some are too big as a whole. */
const sizedRequest = fc.array(fc.nat(LIMITS.bulkBytesMax), { minLength: 1, maxLength: 6 }).map((sizes) =>
  Buffer.from(`*${sizes.length}\r\n${sizes.map((size) => `$${size}\r\n${'s'.repeat(size)}\r\n`).join('')}`));

/** A stream of valid requests, mutated a few times, maybe truncated. */
const mutatedStream = fc
  .record({
    requests: fc.array(fc.oneof(fc.constantFrom(...VALID_REQUESTS), sizedRequest), { minLength: 1, maxLength: 8 }),
    mutations: fc.array(mutation, { maxLength: 4 }),
    truncateAt: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ requests, mutations, truncateAt }) => {
    const bytes = mutate(Buffer.concat(requests), mutations);
    return truncateAt === undefined ? bytes : bytes.subarray(0, truncateAt % (bytes.length + 1));
  });

const cutPoints = fc.array(fc.nat(), { maxLength: 16 });

describe('RequestDecoder fuzz', () => {
  test('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cutPoints, (bytes, points) => checkOutcome(Buffer.from(bytes), points)),
      { numRuns: 3000 },
    );
  });

  test('random protocol-heavy bytes', () => {
    fc.assert(
      fc.property(fc.array(interestingByte, { maxLength: 300 }), cutPoints, (bytes, points) => checkOutcome(Buffer.from(bytes), points)),
      { numRuns: 3000 },
    );
  });

  test('truncated and mutated valid requests', () => {
    fc.assert(fc.property(mutatedStream, cutPoints, (bytes, points) => checkOutcome(bytes, points)), { numRuns: 5000 });
  });

  test('byte by byte on mutated requests', () => {
    fc.assert(
      fc.property(mutatedStream, (bytes) => checkOutcome(bytes, Array.from({ length: bytes.length }, (_, i) => i))),
      { numRuns: 500 },
    );
  });
});
