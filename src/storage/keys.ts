/**
 * Byte layout of keys in the store. Data keys start with their partition, so a partition is one
 * contiguous range: Merkle trees, transfers and hints walk partitions without a secondary index,
 * and a single node already lays data out as the cluster does (no migration when it grows).
 *
 *   data:   [partition u16 BE][user key]
 *   expiry: [expires_at_ms u64 BE][partition u16 BE][user key]   (a time-ordered expiry index)
 *   merkle: [partition u16 BE][segment u16 BE]   (anti-entropy segment hashes, see merkleKey)
 */
export const PARTITION_BYTES = 2;
export const EXPIRY_PREFIX_BYTES = 8 + PARTITION_BYTES;

export function dataKey(partition: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PARTITION_BYTES + key.length);
  out.writeUInt16BE(partition, 0);
  key.copy(out, PARTITION_BYTES);
  return out;
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

/**
 *   hints:  [target length u8][target node id, utf8][partition u16 BE][user key]
 * Grouped by target node, then partition: handoff to one node walks one contiguous range.
 */
export function hintKey(target: string, partition: number, key: Buffer): Buffer {
  const targetBytes = Buffer.from(target, 'utf8');
  const out = Buffer.allocUnsafe(1 + targetBytes.length + PARTITION_BYTES + key.length);
  out[0] = targetBytes.length;
  targetBytes.copy(out, 1);
  out.writeUInt16BE(partition, 1 + targetBytes.length);
  key.copy(out, 1 + targetBytes.length + PARTITION_BYTES);
  return out;
}

export function parseHintKey(stored: Buffer): { target: string; partition: number; key: Buffer } {
  const targetBytes = stored[0];
  const target = stored.subarray(1, 1 + targetBytes).toString('utf8');
  const partition = stored.readUInt16BE(1 + targetBytes);
  return { target, partition, key: stored.subarray(1 + targetBytes + PARTITION_BYTES) };
}

/** The range [start, end) of every hint held for `target`. */
export function hintTargetRange(target: string): { start: Buffer; end: Buffer } {
  const targetBytes = Buffer.from(target, 'utf8');
  const start = Buffer.concat([Buffer.from([targetBytes.length]), targetBytes]);
  const end = Buffer.concat([start, Buffer.from([0xff, 0xff, 0xff])]);
  return { start, end };
}

/**
 *   merkle: [partition u16 BE][segment u16 BE]   → the segment's 16-byte hash (absent = all zero)
 * A partition's segments are one contiguous range, so its tree loads with one short scan.
 */
export const MERKLE_KEY_BYTES = PARTITION_BYTES + 2;

export function merkleKey(partition: number, segment: number): Buffer {
  const out = Buffer.allocUnsafe(MERKLE_KEY_BYTES);
  out.writeUInt16BE(partition, 0);
  out.writeUInt16BE(segment, PARTITION_BYTES);
  return out;
}

export function parseMerkleKey(stored: Buffer): { partition: number; segment: number } {
  return { partition: stored.readUInt16BE(0), segment: stored.readUInt16BE(PARTITION_BYTES) };
}

/**
 * The data-table range of one partition's records, or of those after `afterKey` (exclusive):
 * the smallest key above `afterKey` in byte order is `afterKey` + 0x00. Partition transfer walks it.
 */
export function partitionDataRange(partition: number, afterKey?: Buffer): { start: Buffer; end: Buffer } {
  const start = afterKey === undefined ? dataKey(partition, Buffer.alloc(0)) : dataKey(partition, Buffer.concat([afterKey, Buffer.from([0])]));
  const end = Buffer.allocUnsafe(PARTITION_BYTES);
  // Partitions are < PARTITIONS_MAX (4096), so partition + 1 never overflows the u16.
  end.writeUInt16BE(partition + 1, 0);
  return { start, end };
}

/** The user key of a data-table key. */
export function userKeyOfDataKey(stored: Buffer): Buffer {
  return stored.subarray(PARTITION_BYTES);
}

/**
 *   meta:   "transfer-cursor/" [partition u16 BE]  →  the last user key every target acknowledged
 * The cursor of a partition this node is handing off (src/handoff/partition-transfer.ts).
 */
const TRANSFER_CURSOR_PREFIX = Buffer.from('transfer-cursor/', 'latin1');

export function transferCursorKey(partition: number): Buffer {
  const out = Buffer.allocUnsafe(TRANSFER_CURSOR_PREFIX.length + PARTITION_BYTES);
  TRANSFER_CURSOR_PREFIX.copy(out, 0);
  out.writeUInt16BE(partition, TRANSFER_CURSOR_PREFIX.length);
  return out;
}
