import { ReplyError } from '../lib/errors';

/**
 * The longest key dynkv stores. LMDB keys are at most 511 bytes, and a stored key carries a
 * prefix: 2 bytes of partition in `data`, 10 in `expiry`, and a target node and partition in
 * `hints` (node ids are at most 64 bytes). 448 leaves room for all of them.
 */
export const KEY_BYTES_MAX = 448;

export function checkKeySize(key: Buffer): void {
  if (key.length > KEY_BYTES_MAX) throw new ReplyError(`ERR key too large (${key.length} bytes, max ${KEY_BYTES_MAX})`);
}
