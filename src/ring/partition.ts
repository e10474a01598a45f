import { hash as digestOf } from 'node:crypto';

/**
 * Which of the Q fixed ring partitions a key belongs to (the Dynamo paper's strategy 3).
 * partition = first 8 bytes of MD5(key) as an unsigned 64-bit integer, scaled to Q, so any client
 * can compute it: floor(hash * Q / 2^64).
 */
export const PARTITIONS_MAX = 4096;

export function partitionOf(key: Buffer, partitionCount: number): number {
  const digest = digestOf('md5', key, 'buffer');
  const hash = digest.readBigUInt64BE(0);
  return Number((hash * BigInt(partitionCount)) >> 64n);
}
