/**
 * 16-byte buffers for digests that are kept (record digests in the record cache, Merkle segment
 * hashes), carved from slabs that hold nothing else.
 *
 * Why not Buffer.allocUnsafe: it slices Node's shared 8 KiB pool, which replies and copies of all
 * sizes also use; one long-lived digest in a slab of short-lived kilobyte replies keeps the whole
 * slab alive, up to 8 KiB per cached key. Why not Buffer.allocUnsafeSlow: a separate allocation
 * each, which cost a write more than a microsecond in garbage collection. A slab of digests only
 * is freed once all its digests are; with keys rewritten at random that is a few times a digest's
 * own lifetime, so slabs hold a small multiple of the live digests' bytes.
 */
export const DIGEST_SLAB_BYTES = 4096;
const DIGEST_BYTES = 16;

let slab = Buffer.allocUnsafeSlow(DIGEST_SLAB_BYTES);
let used = 0;

/** A new 16-byte buffer (contents undefined) that shares memory only with other digests. */
export function allocDigest(): Buffer {
  if (used + DIGEST_BYTES > DIGEST_SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(DIGEST_SLAB_BYTES);
    used = 0;
  }
  const digest = slab.subarray(used, used + DIGEST_BYTES);
  used += DIGEST_BYTES;
  return digest;
}
