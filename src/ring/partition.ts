import { md5 } from '../lib/md5';

/**
 * Which of the Q fixed ring partitions a key belongs to (the Dynamo paper's strategy 3).
 * partition = first 8 bytes of MD5(key) as an unsigned 64-bit integer, scaled to Q, so any client
 * can compute it: floor(hash * Q / 2^64).
 */
export const PARTITIONS_MAX = 4096;

const TWO_POW_32 = 4294967296;

/** MD5(key): its bytes 0-7 place the key on the ring; the Merkle trees take their segment from bytes 8-9. */
export function keyHash(key: Buffer): Buffer {
  return md5(key);
}

export function partitionOf(key: Buffer, partitionCount: number): number {
  return partitionOfHash(keyHash(key), partitionCount);
}

/**
 * floor(h * Q / 2^64) for h = the first 8 bytes of `hash`, in doubles rather than BigInt (this
 * runs on every request). With h = hi * 2^32 + lo and Q <= 2^12, hi * Q and lo * Q are below
 * 2^44, so every step is exact: floor((hi*Q*2^32 + lo*Q) / 2^64) = floor((hi*Q + floor(lo*Q / 2^32)) / 2^32).
 */
export function partitionOfHash(hash: Buffer, partitionCount: number): number {
  const high = hash.readUInt32BE(0) * partitionCount;
  const low = hash.readUInt32BE(4) * partitionCount;
  return Math.floor((high + Math.floor(low / TWO_POW_32)) / TWO_POW_32);
}
