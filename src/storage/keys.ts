/**
 * Byte layout of keys in the store. Data keys start with their partition, so a partition is one
 * contiguous range: Merkle trees, transfers and hints walk partitions without a secondary index,
 * and a single node already lays data out as the cluster does (no migration when it grows).
 *
 *   data:   [partition u16 BE][user key]
 *   expiry: [expires_at_ms u64 BE][partition u16 BE][user key]   (a time-ordered expiry index)
 */
export const PARTITION_BYTES = 2;
export const EXPIRY_PREFIX_BYTES = 8 + PARTITION_BYTES;

export function dataKey(partition: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PARTITION_BYTES + key.length);
  out.writeUInt16BE(partition, 0);
  key.copy(out, PARTITION_BYTES);
  return out;
}

export function parseDataKey(stored: Buffer): { partition: number; key: Buffer } {
  return { partition: stored.readUInt16BE(0), key: stored.subarray(PARTITION_BYTES) };
}

/** The half-open range [start, end) holding every data key of `partition` (partitions < 65535). */
export function partitionRange(partition: number): { start: Buffer; end: Buffer } {
  const start = Buffer.alloc(PARTITION_BYTES);
  start.writeUInt16BE(partition, 0);
  const end = Buffer.alloc(PARTITION_BYTES);
  end.writeUInt16BE(partition + 1, 0);
  return { start, end };
}

export function expiryKey(expiresAtMs: number, partition: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(EXPIRY_PREFIX_BYTES + key.length);
  out.writeBigUInt64BE(BigInt(expiresAtMs), 0);
  out.writeUInt16BE(partition, 8);
  key.copy(out, EXPIRY_PREFIX_BYTES);
  return out;
}

export function parseExpiryKey(stored: Buffer): { expiresAtMs: number; partition: number; key: Buffer } {
  return {
    expiresAtMs: Number(stored.readBigUInt64BE(0)),
    partition: stored.readUInt16BE(8),
    key: stored.subarray(EXPIRY_PREFIX_BYTES),
  };
}

/** The exclusive upper bound of expiry entries due at or before `nowMs`. */
export function expiryDueBefore(nowMs: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(nowMs + 1), 0);
  return out;
}
