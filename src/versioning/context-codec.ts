/**
 * The causal context as clients see it (SPEC section 2, VGET/VSET/VDEL): base64 of the protobuf
 * `Context` message (proto/record.proto), an opaque bulk string. Encoding is canonical (entries
 * sorted by actor, standard padded base64) so equal contexts are equal strings.
 *
 * Decoding is strict because the text comes from clients: malformed text is refused rather than
 * guessed at (Node's base64 decoder silently skips characters outside the alphabet, so the
 * alphabet and padding are checked first). Entry order is not checked: it carries no meaning.
 */
import { dynkv } from '../generated/proto';
import { compareActors, type VersionVector } from './dvvset';
import { uint64ToNumber } from './uint64';

/** Far above any real cluster (one entry per coordinating node); bounds the work per request. */
export const CONTEXT_ENTRIES_MAX = 1024;

export class InvalidContextError extends Error {
  override name = 'InvalidContextError';

  constructor(detail: string) {
    super(`invalid context: ${detail}`);
  }
}

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeContext(vv: VersionVector): string {
  if (vv.size === 0) return '';
  const entries = [...vv]
    .sort(([a], [b]) => compareActors(a, b))
    .map(([actor, counter]) => ({ actor, counter }));
  return Buffer.from(dynkv.record.Context.encode({ entries }).finish()).toString('base64');
}

/** The largest counter a context may carry (see decodeContext). */
export const CONTEXT_COUNTER_MAX = 2 ** 40;

export function decodeContext(text: Buffer | string): VersionVector {
  // latin1 maps every byte to one character, so non-ASCII bytes fail the alphabet check.
  const base64 = typeof text === 'string' ? text : text.toString('latin1');
  if (base64.length === 0) return new Map();
  if (!BASE64_PATTERN.test(base64)) throw new InvalidContextError('not base64');
  const bytes = Buffer.from(base64, 'base64');
  // Unused low bits in the last group must be zero, or two texts would decode alike.
  if (bytes.toString('base64') !== base64) throw new InvalidContextError('not canonical base64');

  let message: dynkv.record.Context;
  try {
    message = dynkv.record.Context.decode(bytes);
  } catch {
    throw new InvalidContextError('not a context message');
  }
  if (message.entries.length > CONTEXT_ENTRIES_MAX) {
    throw new InvalidContextError(`more than ${CONTEXT_ENTRIES_MAX} entries`);
  }
  const vv = new Map<string, number>();
  for (const entry of message.entries) {
    const actor = entry.actor ?? '';
    const counter = uint64ToNumber(entry.counter);
    if (actor.length === 0) throw new InvalidContextError('empty actor');
    if (vv.has(actor)) throw new InvalidContextError('duplicate actor');
    if (counter === undefined || counter < 1) {
      throw new InvalidContextError('counter is not a positive integer');
    }
    // A counter this high was never issued (2^40 writes to one key by one actor); refusing it
    // keeps the next dot a client's context can force (counter + 1) an exact safe integer.
    if (counter > CONTEXT_COUNTER_MAX) throw new InvalidContextError(`counter above ${CONTEXT_COUNTER_MAX}`);
    vv.set(actor, counter);
  }
  return vv;
}
