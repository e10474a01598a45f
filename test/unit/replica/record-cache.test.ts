import { RECORD_CACHE_VALUE_BYTES_MAX, RecordCache } from '../../../src/replica/record-cache';
import { EMPTY_DVVSET, EMPTY_VERSION_VECTOR, update } from '../../../src/versioning/dvvset';

const setOf = (bytes: number) => update(EMPTY_DVVSET, EMPTY_VERSION_VECTOR, 'n-a', { data: Buffer.alloc(bytes), tombstone: false, timestampMs: 1, expiresAtMs: 0 }, 1);

test('remembers partitions, segments and records, bounded first-in first-out', () => {
  const cache = new RecordCache(3);
  cache.add('a', 1, 10);
  cache.remember(cache.add('b', 2, 20), setOf(1), Buffer.from('b'), undefined);
  cache.remember(cache.add('c', 3, 30), setOf(1), Buffer.from('c'), undefined);
  expect(cache.get('a')).toEqual({ partition: 1, segment: 10, set: undefined, stored: undefined, storedDigest: undefined });
  cache.remember(cache.get('a')!, setOf(2), Buffer.from('a2'), Buffer.from('digest'));
  expect(cache.get('a')?.set).toEqual(setOf(2));
  // The digest wins: the bytes are not kept alongside it.
  expect(cache.get('a')).toMatchObject({ stored: undefined, storedDigest: Buffer.from('digest') });
  cache.remember(cache.get('b')!, setOf(3), Buffer.from('b3'), undefined);
  expect(cache.get('b')).toMatchObject({ stored: Buffer.from('b3'), storedDigest: undefined });
  cache.add('d', 4, 40);
  expect(cache.size).toBe(3);
  expect(cache.get('a')).toBeUndefined();
  expect(cache.get('d')?.partition).toBe(4);
});

test('a record with nothing stored keeps neither bytes nor digest', () => {
  const cache = new RecordCache(3);
  const entry = cache.add('k', 1, 1);
  cache.remember(entry, EMPTY_DVVSET, undefined, undefined);
  expect(entry).toEqual({ partition: 1, segment: 1, set: EMPTY_DVVSET, stored: undefined, storedDigest: undefined });
});

test('large records keep only their partition and segment; clear forgets everything', () => {
  const cache = new RecordCache(10);
  const big = cache.add('big', 7, 70);
  cache.remember(big, setOf(1), Buffer.from('x'), undefined);
  cache.remember(big, setOf(RECORD_CACHE_VALUE_BYTES_MAX + 1), Buffer.from('y'), Buffer.from('z'));
  expect(cache.get('big')).toEqual({ partition: 7, segment: 70, set: undefined, stored: undefined, storedDigest: undefined });
  cache.add('small', 8, 80);
  cache.clear();
  expect(cache.get('small')).toBeUndefined();
  expect(cache.size).toBe(0);
});
