/**
 * MD5 (RFC 1321) in JavaScript, for the short inputs hashed on every request: a key (its
 * partition and Merkle segment) and a key with its record (the record's Merkle digest). On inputs
 * of a few dozen bytes, node:crypto's one-shot hash spends most of its ~1.1 us crossing into C++
 * and allocating the result; this takes ~0.5 us. Longer inputs go to node:crypto. The digests are
 * the same bytes, so stored trees and peers are unaffected (test/property/lib/md5.test.ts
 * compares with node:crypto).
 *
 * MD5 here is a well-spread fingerprint, not a security measure.
 */

import { hash } from 'node:crypto';
import { allocDigest } from './digest-slab';

/** Per-step left rotations, four per round. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
/** K[i] = floor(|sin(i + 1)| * 2^32), the RFC's table. */
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

/** Above this many bytes node:crypto is faster: its fixed cost no longer dominates. */
export const JS_MD5_BYTES_MAX = 1024;
/** The padded message (at most JS_MD5_BYTES_MAX + 72 bytes); reused, the function never re-enters. */
const MESSAGE = new Uint8Array(JS_MD5_BYTES_MAX + 128);
/** One 64-byte block as 16 little-endian words. */
const WORDS = new Int32Array(16);
const STATE = new Int32Array(4);

/** MD5 of the concatenation of `a`, `b` and `c`, as a new 16-byte Buffer. */
export function md5(a: Uint8Array, b: Uint8Array = EMPTY, c: Uint8Array = EMPTY): Buffer {
  const total = a.length + b.length + c.length;
  if (total > JS_MD5_BYTES_MAX) return hash('md5', Buffer.concat([a, b, c], total), 'buffer');
  let at = copyInto(a, 0);
  at = copyInto(b, at);
  at = copyInto(c, at);
  // Padding: 0x80, zeros up to 56 mod 64, then the length in bits as 64-bit little-endian.
  const padded = (Math.floor((total + 8) / 64) + 1) * 64;
  MESSAGE[at++] = 0x80;
  while (at < padded - 8) MESSAGE[at++] = 0;
  const bitsLow = (total * 8) >>> 0;
  const bitsHigh = Math.floor((total * 8) / 2 ** 32) >>> 0;
  for (let i = 0; i < 4; i++) {
    MESSAGE[padded - 8 + i] = (bitsLow >>> (8 * i)) & 0xff;
    MESSAGE[padded - 4 + i] = (bitsHigh >>> (8 * i)) & 0xff;
  }
  STATE[0] = 0x67452301;
  STATE[1] = 0xefcdab89 | 0;
  STATE[2] = 0x98badcfe | 0;
  STATE[3] = 0x10325476;
  for (let block = 0; block < padded; block += 64) {
    for (let w = 0; w < 16; w++) {
      const i = block + w * 4;
      WORDS[w] = MESSAGE[i] | (MESSAGE[i + 1] << 8) | (MESSAGE[i + 2] << 16) | (MESSAGE[i + 3] << 24);
    }
    compress(STATE);
  }
  // Digests are kept (the record cache): from a slab of digests, not Node's shared pool.
  const digest = allocDigest();
  for (let i = 0; i < 4; i++) {
    const word = STATE[i];
    digest[i * 4] = word & 0xff;
    digest[i * 4 + 1] = (word >>> 8) & 0xff;
    digest[i * 4 + 2] = (word >>> 16) & 0xff;
    digest[i * 4 + 3] = (word >>> 24) & 0xff;
  }
  return digest;
}

const EMPTY = new Uint8Array(0);

function copyInto(bytes: Uint8Array, at: number): number {
  if (bytes.length > 64) {
    MESSAGE.set(bytes, at);
    return at + bytes.length;
  }
  for (let i = 0; i < bytes.length; i++) MESSAGE[at++] = bytes[i];
  return at;
}

/** The RFC's 64 steps over WORDS, added into `state`: four rounds of 16, each with its own mix. */
function compress(state: Int32Array): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let t: number;
  for (let i = 0; i < 16; i++) {
    t = step(b, (b & c) | (~b & d), a, i, i, SHIFTS[i & 3]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  for (let i = 16; i < 32; i++) {
    t = step(b, (d & b) | (~d & c), a, i, (5 * i + 1) & 15, SHIFTS[4 + (i & 3)]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  for (let i = 32; i < 48; i++) {
    t = step(b, b ^ c ^ d, a, i, (3 * i + 5) & 15, SHIFTS[8 + (i & 3)]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  for (let i = 48; i < 64; i++) {
    t = step(b, c ^ (b | ~d), a, i, (7 * i) & 15, SHIFTS[12 + (i & 3)]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
}

/** b + rotl(mix + a + K[i] + WORDS[g], shift), 32-bit. */
function step(b: number, mix: number, a: number, i: number, g: number, shift: number): number {
  const sum = (mix + a + K[i] + WORDS[g]) | 0;
  return (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
}
