/** The JavaScript MD5 gives node:crypto's digest for any input split into up to three parts. */
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { JS_MD5_BYTES_MAX, md5 } from '../../../src/lib/md5';

describe('md5', () => {
  test('equals node:crypto for any bytes and any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: JS_MD5_BYTES_MAX + 200 }), fc.nat(), fc.nat(), (bytes, x, y) => {
        const buffer = Buffer.from(bytes);
        const cut1 = bytes.length === 0 ? 0 : x % (bytes.length + 1);
        const cut2 = cut1 + (bytes.length === 0 ? 0 : y % (bytes.length - cut1 + 1));
        const digest = md5(buffer.subarray(0, cut1), buffer.subarray(cut1, cut2), buffer.subarray(cut2));
        expect(digest.equals(hash('md5', buffer, 'buffer'))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test('every padding length (0..200 bytes)', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Buffer.alloc(length, length % 251);
      expect(md5(bytes).toString('hex')).toBe(hash('md5', bytes, 'hex'));
    }
  });

  test('the RFC 1321 test suite', () => {
    expect(md5(Buffer.from('')).toString('hex')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5(Buffer.from('abc')).toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5(Buffer.from('message digest')).toString('hex')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
  });
});
