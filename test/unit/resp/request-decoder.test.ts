/**
 * RequestDecoder against a table of inputs. Every case runs fed as one chunk, fed byte by byte
 * (the node-redis decoder.spec idea) and split at random points (fast-check): a decoder that
 * depends on where TCP happened to cut the stream fails here.
 */
import fc from 'fast-check';
import { RequestDecoder } from '../../../src/resp/request-decoder';
import type { RequestLimits } from '../../../src/resp/request-limits';

/** Small limits so that "at the bound" and "one over" are cheap to write down. */
const LIMITS: RequestLimits = { bulkBytesMax: 100, multibulkLengthMax: 8, inlineBytesMax: 32, requestBytesMax: 200 };

/** A command as latin1 strings (one char per byte, so binary survives), or the protocol error. */
type Event = string[] | { error: string };

const EXPECTED_DOLLAR = (got: string): Event => ({ error: `Protocol error: expected '$', got '${got}'` });
const INVALID_MULTIBULK: Event = { error: 'Protocol error: invalid multibulk length' };
const INVALID_BULK: Event = { error: 'Protocol error: invalid bulk length' };
const TOO_BIG_INLINE: Event = { error: 'Protocol error: too big inline request' };
const UNBALANCED: Event = { error: 'Protocol error: unbalanced quotes in request' };
const TOO_BIG_REQUEST: Event = { error: 'Protocol error: request exceeds the query buffer limit' };

/** RESP multibulk encoding of `args` (latin1). */
function multibulk(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('')}`;
}

function decode(chunks: readonly Buffer[], limits: RequestLimits = LIMITS): Event[] {
  const events: Event[] = [];
  const decoder = new RequestDecoder(
    limits,
    (args) => events.push(args.map((arg) => arg.toString('latin1'))),
    (message) => events.push({ error: message }),
  );
  for (const chunk of chunks) decoder.feed(chunk);
  return events;
}

function byteByByte(bytes: Buffer): Buffer[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
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

interface Case {
  readonly name: string;
  readonly input: string; // latin1
  readonly events: readonly Event[];
}

const A100 = 'a'.repeat(100);

const CASES: readonly Case[] = [
  // Multibulk requests
  { name: 'one multibulk request', input: multibulk('GET', 'key'), events: [['GET', 'key']] },
  { name: 'CRLF and binary bytes inside a value', input: multibulk('SET', 'k', 'a\r\nb\x00\xff\r'), events: [['SET', 'k', 'a\r\nb\x00\xff\r']] },
  { name: 'empty argument', input: multibulk('ECHO', ''), events: [['ECHO', '']] },
  {
    name: 'pipelined requests',
    input: multibulk('SET', 'a', '1') + multibulk('GET', 'a') + multibulk('PING'),
    events: [['SET', 'a', '1'], ['GET', 'a'], ['PING']],
  },
  { name: '*0 is ignored', input: `*0\r\n${multibulk('PING')}`, events: [['PING']] },
  { name: '*-1 and other negative counts are ignored', input: `*-1\r\n*-5\r\n${multibulk('PING')}`, events: [['PING']] },
  { name: 'the byte after a line\'s CR is not checked (as in Redis)', input: '*1\rX$4\r\nPING\r\n', events: [['PING']] },
  { name: 'the CRLF after a payload is not checked (as in Redis)', input: '*1\r\n$4\r\nPINGxy*1\r\n$1\r\nx\r\n', events: [['PING'], ['x']] },

  // Inline commands
  { name: 'inline command', input: 'PING\r\n', events: [['PING']] },
  { name: 'inline command ended by LF alone', input: 'PING\n', events: [['PING']] },
  { name: 'inline blanks around and between arguments', input: '  SET\tk   v \x0b\r\n', events: [['SET', 'k', 'v']] },
  { name: 'inline double quotes and escapes', input: 'SET k "a b\\n\\x41\\"\\\\"\r\n', events: [['SET', 'k', 'a b\nA"\\']] },
  { name: 'inline single quotes', input: "SET k 'it\\'s \\n'\r\n", events: [['SET', 'k', "it's \\n"]] },
  { name: 'inline empty quoted argument', input: 'SET k ""\r\n', events: [['SET', 'k', '']] },
  { name: 'empty and blank lines are ignored', input: '\r\n\n   \r\n\t\nPING\r\n', events: [['PING']] },
  { name: 'a line not starting with * is inline even if it looks like RESP', input: '$3\r\nfoo\r\n', events: [['$3'], ['foo']] },
  { name: 'a bare CR inside an inline line is a separator', input: 'GET a\rb\r\n', events: [['GET', 'a', 'b']] },

  // Both forms on one connection
  {
    name: 'inline and multibulk mixed',
    input: `PING\r\n${multibulk('PING')}ECHO hi\r\n${multibulk('ECHO', 'yo')}\n${multibulk('GET', 'k')}`,
    events: [['PING'], ['PING'], ['ECHO', 'hi'], ['ECHO', 'yo'], ['GET', 'k']],
  },

  // Limits: exactly at the bound, and one over
  { name: 'count at the limit', input: multibulk('1', '2', '3', '4', '5', '6', '7', '8'), events: [['1', '2', '3', '4', '5', '6', '7', '8']] },
  { name: 'count over the limit', input: multibulk('1', '2', '3', '4', '5', '6', '7', '8', '9'), events: [INVALID_MULTIBULK] },
  { name: 'bulk length at the limit', input: multibulk(A100), events: [[A100]] },
  { name: 'bulk length over the limit', input: multibulk(`${A100}b`), events: [INVALID_BULK] },
  { name: 'bulk length over the limit refused before its bytes arrive', input: '*1\r\n$101\r\n', events: [INVALID_BULK] },
  { name: 'inline line at the limit', input: `${'x'.repeat(32)}\r\n`, events: [['x'.repeat(32)]] },
  { name: 'inline line over the limit', input: `${'x'.repeat(33)}\r\n`, events: [TOO_BIG_INLINE] },
  { name: 'inline line over the limit refused before its end', input: 'x'.repeat(33), events: [TOO_BIG_INLINE] },
  { name: 'inline line at the limit waits for its end', input: `${'x'.repeat(32)}\r`, events: [] },
  // *3 SET, a 90-byte and an 83-byte argument: 4 + 9 + 97 + 90 = 200 bytes.
  { name: 'request at the size limit', input: multibulk('SET', 'k'.repeat(90), 'v'.repeat(83)), events: [['SET', 'k'.repeat(90), 'v'.repeat(83)]] },
  { name: 'request over the size limit', input: multibulk('SET', 'k'.repeat(90), 'v'.repeat(84)), events: [TOO_BIG_REQUEST] },
  { name: 'request within the size limit so far waits', input: '*3\r\n$3\r\nSET\r\n$90\r\n', events: [] },
  { name: 'request over the size limit refused from its headers', input: `*3\r\n$3\r\nSET\r\n$90\r\n${'k'.repeat(90)}\r\n$84\r\n`, events: [TOO_BIG_REQUEST] },

  // Protocol errors
  { name: 'simple string element', input: '*1\r\n+PING\r\n', events: [EXPECTED_DOLLAR('+')] },
  { name: 'integer element', input: '*2\r\n$3\r\nGET\r\n:1\r\n', events: [EXPECTED_DOLLAR(':')] },
  { name: 'nested array', input: '*1\r\n*1000000\r\n*1000000\r\n', events: [EXPECTED_DOLLAR('*')] },
  { name: 'inline text where an element should be', input: '*1\r\nPING\r\n', events: [EXPECTED_DOLLAR('P')] },
  { name: 'CR where an element should be is shown as a space', input: '*1\r\n\r\n', events: [EXPECTED_DOLLAR(' ')] },
  { name: 'wrong type byte reported before the line ends', input: '*1\r\n-', events: [EXPECTED_DOLLAR('-')] },
  { name: 'count not a number', input: '*abc\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count with a plus sign', input: '*+1\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count -0', input: '*-0\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count with a leading zero', input: '*01\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count empty', input: '*\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count below int64', input: '*-9223372036854775809\r\n', events: [INVALID_MULTIBULK] },
  { name: 'count at int64 min is just negative', input: `*-9223372036854775808\r\n${multibulk('PING')}`, events: [['PING']] },
  { name: 'count line too long to be a number', input: `*${'1'.repeat(21)}`, events: [INVALID_MULTIBULK] },
  { name: 'count line of 20 bytes waits for CR', input: `*-${'1'.repeat(19)}`, events: [] },
  { name: 'negative bulk length', input: '*1\r\n$-1\r\n', events: [INVALID_BULK] },
  { name: 'bulk length with a trailing letter', input: '*1\r\n$1x\r\nx\r\n', events: [INVALID_BULK] },
  { name: 'bulk length with a leading zero', input: '*1\r\n$01\r\nx\r\n', events: [INVALID_BULK] },
  { name: 'bulk length line too long to be a number', input: `*1\r\n$${'9'.repeat(25)}`, events: [INVALID_BULK] },
  { name: 'unclosed double quote', input: 'GET "abc\r\n', events: [UNBALANCED] },
  { name: 'unclosed single quote', input: "GET 'abc\r\n", events: [UNBALANCED] },
  { name: 'closing quote followed by a letter', input: 'GET "a"b\r\n', events: [UNBALANCED] },
  { name: 'commands before an error are emitted', input: `PING\r\n${multibulk('ECHO', 'x')}*1\r\n+x\r\n`, events: [['PING'], ['ECHO', 'x'], EXPECTED_DOLLAR('+')] },
  { name: 'nothing is emitted after an error', input: `*1\r\n+x\r\nPING\r\n${multibulk('PING')}`, events: [EXPECTED_DOLLAR('+')] },
  { name: 'nothing is emitted after an inline error', input: `GET "x\r\nPING\r\n`, events: [UNBALANCED] },

  // Unfinished input
  { name: 'unfinished multibulk request', input: '*2\r\n$3\r\nGET\r\n$3\r\nke', events: [] },
  { name: 'multibulk request missing only its final LF', input: '*1\r\n$4\r\nPING\r', events: [] },
  { name: 'unfinished inline line', input: 'PING', events: [] },
];

describe('RequestDecoder', () => {
  describe.each(CASES)('$name', ({ input, events }) => {
    const bytes = Buffer.from(input, 'latin1');

    test('single chunk', () => {
      expect(decode([bytes])).toEqual(events);
    });

    test('byte by byte', () => {
      expect(decode(byteByByte(bytes))).toEqual(events);
    });
  });

  test('every case gives the same events however it is split', () => {
    const arbitrary = fc.record({
      index: fc.nat(CASES.length - 1),
      points: fc.array(fc.nat(), { maxLength: 12 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ index, points }) => {
        const { input, events } = CASES[index];
        expect(decode(splitAt(Buffer.from(input, 'latin1'), points))).toEqual(events);
      }),
      { numRuns: 2000 },
    );
  });

  test('arguments of a request spanning chunks do not share memory with those chunks', () => {
    const bytes = Buffer.from(multibulk('SET', 'key', 'value'), 'latin1');
    const chunks = [Buffer.from(bytes.subarray(0, 20)), Buffer.from(bytes.subarray(20))];
    const seen: Buffer[][] = [];
    const decoder = new RequestDecoder(LIMITS, (args) => seen.push(args), () => undefined);
    for (const chunk of chunks) decoder.feed(chunk);
    for (const chunk of chunks) chunk.fill(0x21);
    expect(seen.map((args) => args.map(String))).toEqual([['SET', 'key', 'value']]);
  });

  test('a large value across many chunks starts no timer and is intact', () => {
    jest.useFakeTimers();
    try {
      const value = Buffer.alloc(1024 * 1024, 0x61);
      value.write('end', value.length - 3);
      const bytes = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
      const limits = { ...LIMITS, bulkBytesMax: 2 * 1024 * 1024, requestBytesMax: 4 * 1024 * 1024 };
      const seen: Buffer[][] = [];
      const decoder = new RequestDecoder(limits, (args) => seen.push(args), (message) => { throw new Error(message); });
      for (let offset = 0; offset < bytes.length; offset += 65536) decoder.feed(bytes.subarray(offset, offset + 65536));
      expect(seen).toHaveLength(1);
      expect(seen[0][1].equals(value)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  test('bufferedBytes counts what an unfinished request holds', () => {
    const decoder = new RequestDecoder(LIMITS, () => undefined, () => undefined);
    decoder.feed(Buffer.from(`${multibulk('PING')}*2\r\n$3\r\nGET`));
    expect(decoder.bufferedBytes).toBe('*2\r\n$3\r\nGET'.length);
    decoder.feed(Buffer.from('\r\n$1\r\nk\r\n'));
    expect(decoder.bufferedBytes).toBe(0);
  });

  test('stop() inside onCommand drops the rest of the chunk and later chunks', () => {
    const seen: string[][] = [];
    const decoder: RequestDecoder = new RequestDecoder(
      LIMITS,
      (args) => {
        seen.push(args.map(String));
        if (String(args[0]) === 'QUIT') decoder.stop();
      },
      () => { throw new Error('no protocol error expected'); },
    );
    decoder.feed(Buffer.from(`${multibulk('PING')}${multibulk('QUIT')}${multibulk('PING')}PING\r\n*1\r\n+garbage\r\n`));
    decoder.feed(Buffer.from(multibulk('PING')));
    expect(seen).toEqual([['PING'], ['QUIT']]);
    expect(decoder.isStopped).toBe(true);
  });

  test('an exception from onCommand propagates and stops the decoder', () => {
    const seen: string[] = [];
    const decoder = new RequestDecoder(
      LIMITS,
      (args) => {
        seen.push(String(args[0]));
        if (seen.length === 1) throw new Error('boom');
      },
      () => undefined,
    );
    expect(() => decoder.feed(Buffer.from(`${multibulk('A')}${multibulk('B')}`))).toThrow('boom');
    decoder.feed(Buffer.from(multibulk('C')));
    expect(seen).toEqual(['A']);
  });

  test('feed() from inside onCommand is refused', () => {
    const decoder: RequestDecoder = new RequestDecoder(LIMITS, () => decoder.feed(Buffer.from('PING\r\n')), () => undefined);
    expect(() => decoder.feed(Buffer.from('PING\r\n'))).toThrow(/inside onCommand/);
  });
});
