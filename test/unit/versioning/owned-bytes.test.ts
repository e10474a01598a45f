/** ownedIfSmall: small values leave the buffer they arrived in; the rest are left alone. */
import { ON_HEAP_BYTES_MAX, ownedIfSmall } from '../../../src/versioning/owned-bytes';

test('a small view is copied out of the buffer it views; the copy holds the same bytes', () => {
  const chunk = Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n');
  const view = chunk.subarray(chunk.indexOf('hello'), chunk.indexOf('hello') + 5);
  const owned = ownedIfSmall(view);
  expect(owned.buffer).not.toBe(chunk.buffer);
  chunk.fill(0);
  expect(owned.toString()).toBe('hello');
});

test(`values over ${ON_HEAP_BYTES_MAX} bytes, and empty ones, are returned as they are`, () => {
  const large = Buffer.alloc(ON_HEAP_BYTES_MAX + 1);
  expect(ownedIfSmall(large)).toBe(large);
  const empty = Buffer.alloc(0);
  expect(ownedIfSmall(empty)).toBe(empty);
  const edge = Buffer.alloc(ON_HEAP_BYTES_MAX, 1);
  expect(ownedIfSmall(edge)).not.toBe(edge);
  expect(ownedIfSmall(edge).equals(edge)).toBe(true);
});
