/**
 * V8 keeps a typed array of at most this many bytes on its own heap: no ArrayBuffer with a
 * malloc'd backing store, nothing on the list of ArrayBuffers the collector sweeps at every major
 * GC (V8's typed_array_max_size_in_heap).
 */
export const ON_HEAP_BYTES_MAX = 64;

/**
 * `bytes` for a structure that keeps it long (the record cache, a decoded record): a small value
 * is copied onto V8's heap, so that it neither keeps the socket chunk or frame it arrived in alive
 * nor adds an ArrayBuffer for every major GC to sweep (with 100,000 cached records, those sweeps
 * were a quarter of the GC threads' time on a node that had taken millions of writes). Larger
 * values stay as they are.
 */
export function ownedIfSmall(bytes: Buffer): Buffer {
  if (bytes.length > ON_HEAP_BYTES_MAX || bytes.length === 0) return bytes;
  const owned = Buffer.allocUnsafeSlow(bytes.length);
  owned.set(bytes);
  return owned;
}
