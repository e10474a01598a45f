/**
 * FrameDecoder against a table of streams. Every case runs fed as one chunk, fed byte by byte
 * and split at random points (fast-check): a decoder that depends on where TCP cut the stream
 * fails here. Then the bounds (at and over frameBytesMax, zero length), garbage, the "dead after
 * one error" rule, zero-copy views and linear time on a large frame in small pieces.
 */
import fc from 'fast-check';
import { FrameDecoder, FrameError, type FrameErrorReason } from '../../../src/peer/frame-decoder';

/** Small so that "at the bound" and "one over" are cheap to write down. */
const FRAME_BYTES_MAX = 64;

/** A frame body as latin1, or the error that ends the stream. */
type Event = string | { error: FrameErrorReason };

function frame(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const header = Buffer.alloc(4);
  header.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

function header(declared: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(declared, 0);
  return bytes;
}

function decode(chunks: readonly Buffer[], frameBytesMax = FRAME_BYTES_MAX): Event[] {
  const events: Event[] = [];
  const decoder = new FrameDecoder({
    frameBytesMax,
    onFrame: (body) => events.push(body.toString('latin1')),
    onError: (error) => events.push({ error: error.reason }),
  });
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
  readonly input: Buffer;
  readonly events: readonly Event[];
}

const AT_MAX = 'm'.repeat(FRAME_BYTES_MAX);
const MANY = Array.from({ length: 50 }, (_, i) => `frame-${i}`);

const CASES: readonly Case[] = [
  { name: 'nothing', input: Buffer.alloc(0), events: [] },
  { name: 'one frame', input: frame('hello'), events: ['hello'] },
  { name: 'one-byte frame', input: frame('x'), events: ['x'] },
  { name: 'two frames', input: Buffer.concat([frame('ab'), frame('cde')]), events: ['ab', 'cde'] },
  { name: 'many frames', input: Buffer.concat(MANY.map((body) => frame(body))), events: MANY },
  { name: 'binary body with zero bytes', input: frame('\0\0\0\0\xff\x00'), events: ['\0\0\0\0\xff\x00'] },
  { name: 'frame at frameBytesMax', input: frame(AT_MAX), events: [AT_MAX] },
  { name: 'frame one over frameBytesMax', input: frame(`${AT_MAX}!`), events: [{ error: 'FRAME_TOO_LARGE' }] },
  { name: 'declared 2^32 - 1', input: header(0xffffffff), events: [{ error: 'FRAME_TOO_LARGE' }] },
  { name: 'zero length', input: header(0), events: [{ error: 'EMPTY_FRAME' }] },
  {
    name: 'frames before an error are emitted, nothing after',
    input: Buffer.concat([frame('a'), frame('b'), header(0), frame('c')]),
    events: ['a', 'b', { error: 'EMPTY_FRAME' }],
  },
  {
    name: 'oversized declaration refused before its body arrives',
    input: Buffer.concat([frame('ok'), header(FRAME_BYTES_MAX + 1)]),
    events: ['ok', { error: 'FRAME_TOO_LARGE' }],
  },
  { name: 'incomplete header', input: Buffer.from([0, 0, 0]), events: [] },
  { name: 'incomplete body', input: Buffer.concat([frame('done'), header(10), Buffer.from('abc')]), events: ['done'] },
  // An HTTP or RESP client on the peer port: the first 4 bytes read as a huge length.
  { name: 'HTTP request', input: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), events: [{ error: 'FRAME_TOO_LARGE' }] },
  { name: 'RESP command', input: Buffer.from('*1\r\n$4\r\nPING\r\n'), events: [{ error: 'FRAME_TOO_LARGE' }] },
];

describe('FrameDecoder', () => {
  describe.each(CASES)('$name', ({ input, events }) => {
    it('whole', () => expect(decode([input])).toEqual(events));
    it('byte by byte', () => expect(decode(byteByByte(input))).toEqual(events));
    it('split at random points', () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 12 }), (points) => {
          expect(decode(splitAt(input, points))).toEqual(events);
        }),
        { numRuns: 100 },
      );
    });
  });

  it('decodes any sequence of frames however the stream is cut', () => {
    const bodies = fc.array(fc.uint8Array({ minLength: 1, maxLength: FRAME_BYTES_MAX }), { maxLength: 20 });
    fc.assert(
      fc.property(bodies, fc.array(fc.nat(), { maxLength: 30 }), (frames, points) => {
        const stream = Buffer.concat(frames.map((body) => frame(Buffer.from(body))));
        const expected = frames.map((body) => Buffer.from(body).toString('latin1'));
        expect(decode(splitAt(stream, points))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reports an error once, then ignores everything', () => {
    const errors: FrameError[] = [];
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder({ frameBytesMax: 8, onFrame: (body) => frames.push(body), onError: (error) => errors.push(error) });
    decoder.feed(header(9));
    decoder.feed(frame('ok'));
    decoder.feed(header(0));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FrameError);
    expect(errors[0].declaredBytes).toBe(9);
    expect(errors[0].message).toBe('frame declares 9 bytes, over frameBytesMax 8');
    expect(frames).toHaveLength(0);
    expect(decoder.dead).toBe(true);
    expect(decoder.heldBytes).toBe(0);
  });

  it('stops emitting when stopped from inside onFrame', () => {
    const frames: string[] = [];
    const decoder: FrameDecoder = new FrameDecoder({
      frameBytesMax: 8,
      onFrame: (body) => {
        frames.push(body.toString());
        decoder.stop();
      },
      onError: () => frames.push('error'),
    });
    decoder.feed(Buffer.concat([frame('a'), frame('b'), header(0)]));
    decoder.feed(frame('c'));
    expect(frames).toEqual(['a']);
  });

  it('hands out frames within a chunk as views, without copying', () => {
    const chunk = Buffer.concat([frame('abc'), frame('defg')]);
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder({ frameBytesMax: 8, onFrame: (body) => frames.push(body), onError: () => undefined });
    decoder.feed(chunk);
    expect(frames.map((body) => body.buffer === chunk.buffer)).toEqual([true, true]);
    expect(frames[1].byteOffset - chunk.byteOffset).toBe(11);
  });

  it('holds only the unfinished frame', () => {
    const decoder = new FrameDecoder({ frameBytesMax: 8, onFrame: () => undefined, onError: () => undefined });
    decoder.feed(Buffer.concat([frame('abc'), header(5), Buffer.from('de')]));
    expect(decoder.heldBytes).toBe(6);
    decoder.feed(Buffer.from('fgh'));
    expect(decoder.heldBytes).toBe(0);
  });

  it('assembles a large frame from small chunks in linear time', () => {
    const bodyBytes = 8 * 1024 * 1024;
    const body = Buffer.alloc(bodyBytes, 7);
    const stream = frame(body);
    let received: Buffer | undefined;
    const decoder = new FrameDecoder({ frameBytesMax: bodyBytes, onFrame: (got) => (received = got), onError: () => undefined });
    const started = performance.now();
    // 128 K chunks of 64 bytes: re-concatenating per chunk would copy ~512 GiB.
    for (let offset = 0; offset < stream.length; offset += 64) decoder.feed(stream.subarray(offset, offset + 64));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(received?.equals(body)).toBe(true);
  });

  it('refuses a frameBytesMax it cannot honour', () => {
    const make = (frameBytesMax: number) => () => new FrameDecoder({ frameBytesMax, onFrame: () => undefined, onError: () => undefined });
    expect(make(0)).toThrow(/frameBytesMax/);
    expect(make(2 ** 32)).toThrow(/frameBytesMax/);
    expect(make(1.5)).toThrow(/frameBytesMax/);
    expect(make(2 ** 32 - 1)).not.toThrow();
  });
});
