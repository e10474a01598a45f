import { RECORD_CACHE_VALUE_BYTES_MAX, RecordCache } from '../../../src/replica/record-cache';
import { EMPTY_DVVSET, EMPTY_VERSION_VECTOR, update } from '../../../src/versioning/dvvset';

const setOf = (bytes: number) => update(EMPTY_DVVSET, EMPTY_VERSION_VECTOR, 'n-a', { data: Buffer.alloc(bytes), tombstone: false, timestampMs: 1, expiresAtMs: 0 }, 1);

test('remembers partitions and records, bounded first-in first-out', () => {
  const cache = new RecordCache(3);
  cache.put('a', 1, undefined);
  cache.put('b', 2, setOf(1));
  cache.put('c', 3, setOf(1));
  expect(cache.get('a')).toEqual({ partition: 1, set: undefined });
  cache.put('a', 1, setOf(2));
  expect(cache.get('a')?.set).toEqual(setOf(2));
  cache.put('d', 4, undefined);
  expect(cache.size).toBe(3);
  expect(cache.get('a')).toBeUndefined();
  expect(cache.get('d')?.partition).toBe(4);
});

test('large records keep only their partition; clear forgets everything', () => {
  const cache = new RecordCache(10);
  cache.put('big', 7, setOf(RECORD_CACHE_VALUE_BYTES_MAX + 1));
  expect(cache.get('big')).toEqual({ partition: 7, set: undefined });
  cache.put('small', 8, setOf(10));
  cache.clear();
  expect(cache.get('small')).toBeUndefined();
  expect(cache.size).toBe(0);
});
