/** ReplyWriter: what goes in comes out once, in order, as one Buffer with an exact byteLength. */
import fc from 'fast-check';
import { LARGE_BUFFER_BYTES, ReplyWriter } from '../../../src/resp/reply-writer';

describe('ReplyWriter', () => {
  test('starts empty', () => {
    const writer = new ReplyWriter();
    expect(writer.byteLength).toBe(0);
    expect(writer.take().length).toBe(0);
  });

  test('strings are written as UTF-8 and byteLength counts bytes', () => {
    const writer = new ReplyWriter();
    writer.push('+é€😀\r\n');
    writer.pushAscii(':1\r\n');
    expect(writer.byteLength).toBe(Buffer.byteLength('+é€😀\r\n:1\r\n'));
    expect(writer.take().toString('utf8')).toBe('+é€😀\r\n:1\r\n');
  });

  test('take() resets, and what it returned is not changed by later use', () => {
    const writer = new ReplyWriter();
    writer.push('first');
    const first = writer.take();
    writer.push(Buffer.from('second'));
    writer.push(Buffer.alloc(LARGE_BUFFER_BYTES, 0x61));
    const second = writer.take();
    expect(writer.byteLength).toBe(0);
    expect(first.toString()).toBe('first');
    expect(second.length).toBe(6 + LARGE_BUFFER_BYTES);
  });

  test('a large Buffer is referenced until take(), then copied into the result', () => {
    const writer = new ReplyWriter();
    const large = Buffer.alloc(LARGE_BUFFER_BYTES, 0x62);
    writer.push('$');
    writer.push(large);
    writer.push('\r\n');
    const bytes = writer.take();
    large.fill(0x63);
    expect(bytes.subarray(1, 1 + LARGE_BUFFER_BYTES).every((b) => b === 0x62)).toBe(true);
  });

  test('any mix of strings and Buffers comes out as their concatenation', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
      fc.integer({ min: LARGE_BUFFER_BYTES, max: LARGE_BUFFER_BYTES + 100 }).map((n) => Buffer.alloc(n, n % 251)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const writer = new ReplyWriter();
        for (const p of pieces) writer.push(p);
        const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
        expect(writer.byteLength).toBe(expected.length);
        expect(writer.take().equals(expected)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
