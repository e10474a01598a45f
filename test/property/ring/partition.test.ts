import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PARTITIONS_MAX, keyHash, partitionOf, partitionOfHash } from '../../../src/ring/partition';

/** The definition, in BigInt: floor(first 8 bytes of MD5(key) as u64 * Q / 2^64). */
function reference(key: Buffer, partitionCount: number): number {
  const hash = createHash('md5').update(key).digest().readBigUInt64BE(0);
  return Number((hash * BigInt(partitionCount)) >> 64n);
}

test('partitionOf matches floor(md5_u64 * Q / 2^64) for any key and Q', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: PARTITIONS_MAX }), (bytes, partitionCount) => {
      const key = Buffer.from(bytes);
      expect(partitionOf(key, partitionCount)).toBe(reference(key, partitionCount));
    }),
    { numRuns: 2000 },
  );
});

test('partitionOfHash is exact at the edges of the 64-bit range', () => {
  const edge = (hex: string) => Buffer.from(hex.padEnd(32, '0'), 'hex');
  for (const partitionCount of [1, 2, 3, 64, 1000, 4095, PARTITIONS_MAX]) {
    expect(partitionOfHash(edge('0000000000000000'), partitionCount)).toBe(0);
    expect(partitionOfHash(edge('ffffffffffffffff'), partitionCount)).toBe(partitionCount - 1);
    for (const hex of ['00000000ffffffff', '7fffffffffffffff', '8000000000000000', 'fffffffeffffffff', '5555555555555555']) {
      const expected = Number((BigInt(`0x${hex}`) * BigInt(partitionCount)) >> 64n);
      expect(partitionOfHash(edge(hex), partitionCount)).toBe(expected);
    }
  }
  expect(keyHash(Buffer.from('k'))).toEqual(createHash('md5').update('k').digest());
});
