/**
 * Encodes a Reply as RESP2 or RESP3 bytes into a ReplyWriter. Pure and total: it never throws
 * and never breaks framing, whatever the Reply holds.
 *
 * RESP2 has no map, set, double, boolean, verbatim or null types; they degrade as in Redis:
 * map → flat array, set → array, double → bulk string, boolean → integer 1/0, verbatim → bulk
 * string (without its format), null → `$-1`, nullArray → `*-1`. In RESP3 both nulls are `_`.
 *
 * Choices, where Redis leaves room:
 * - `\r` and `\n` in simple strings and error messages become spaces (as Redis's
 *   addReplyErrorLength does), so a reply can never end early.
 * - Integers outside int64 are RESP3 big numbers (`(`) and RESP2 bulk strings (addReplyBigNum).
 * - A Reply no protocol can carry (a fractional or non-finite "integer", a verbatim format that
 *   is not 3 ASCII characters) is encoded as an `ERR internal error ...` reply in its place:
 *   the client sees the bug, the stream stays in step, and the node does not crash.
 * - Doubles are formatted by formatDouble (Redis 7.2+ d2string).
 */
import type { Reply } from './reply';
import { ReplyWriter } from './reply-writer';

export { ReplyWriter } from './reply-writer';

export type ProtocolVersion = 2 | 3;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Redis's double2ll prints an integral double as an integer only within ±LLONG_MAX/2. */
const PLAIN_INTEGER_DOUBLE_MAX = 4611686018427387904;
const LINE_BREAKS = /[\r\n]/g;

export function encodeReply(reply: Reply, protocol: ProtocolVersion, out: ReplyWriter): void {
  switch (reply.kind) {
    case 'simple':
      // +OK answers every SET: no scan for line breaks, no UTF-8 measure.
      if (reply.value === 'OK') return out.pushAscii('+OK\r\n');
      return out.push(`+${singleLine(reply.value)}\r\n`);
    case 'error':
      return out.push(`-${singleLine(reply.message)}\r\n`);
    case 'integer':
      return encodeInteger(reply.value, protocol, out);
    case 'bulk':
      return encodeBulk(reply.value, out);
    case 'null':
      return out.pushAscii(protocol === 3 ? '_\r\n' : '$-1\r\n');
    case 'nullArray':
      return out.pushAscii(protocol === 3 ? '_\r\n' : '*-1\r\n');
    case 'array':
      return encodeItems('*', reply.items, protocol, out);
    case 'set':
      return encodeItems(protocol === 3 ? '~' : '*', reply.items, protocol, out);
    case 'map':
      out.pushAscii(protocol === 3 ? `%${reply.entries.length}\r\n` : `*${reply.entries.length * 2}\r\n`);
      for (const [key, value] of reply.entries) {
        encodeReply(key, protocol, out);
        encodeReply(value, protocol, out);
      }
      return;
    case 'double': {
      const text = formatDouble(reply.value);
      return out.pushAscii(protocol === 3 ? `,${text}\r\n` : `$${text.length}\r\n${text}\r\n`);
    }
    case 'boolean':
      if (protocol === 3) return out.pushAscii(reply.value ? '#t\r\n' : '#f\r\n');
      return out.pushAscii(reply.value ? ':1\r\n' : ':0\r\n');
    case 'verbatim':
      return encodeVerbatim(reply.format, reply.value, protocol, out);
  }
}

/**
 * A double as Redis 7.2+ prints it (d2string): `nan`, `inf`, `-inf`, `0`, `-0`; an integral
 * value within ±2^62 as an integer; otherwise the shortest digits that read back as the same
 * double, laid out like Redis's fpconv_dtoa (plain up to 10^-7 and while an integer would need
 * fewer than 7 padding zeros, else `d.ddde+x`). Redis computes its digits with Grisu2, which
 * in rare cases prints a digit more than the shortest; JavaScript always finds the shortest.
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  if (Number.isInteger(value) && Math.abs(value) <= PLAIN_INTEGER_DOUBLE_MAX) {
    // Exact digits, as ll2string prints them (String(2 ** 62) would round to 4611686018427388000).
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  // toExponential() with no argument gives the shortest round-trip digits: "d.ddde±x".
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const leadExponent = Number(exponentText); // value = d.ddd × 10^leadExponent
  const shift = leadExponent - (digits.length - 1); // value = digits × 10^shift (fpconv's K)
  const sign = value < 0 ? '-' : '';
  const leadMagnitude = Math.abs(leadExponent);
  if (shift >= 0 && leadMagnitude < digits.length + 7) return sign + digits + '0'.repeat(shift);
  if (shift < 0 && (shift > -7 || leadMagnitude < 4)) {
    const integerDigits = digits.length + shift;
    if (integerDigits <= 0) return `${sign}0.${'0'.repeat(-integerDigits)}${digits}`;
    return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${fraction}e${leadExponent < 0 ? '-' : '+'}${leadMagnitude}`;
}

function encodeInteger(value: number | bigint, protocol: ProtocolVersion, out: ReplyWriter): void {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return out.pushAscii(`:${value}\r\n`);
    if (!Number.isInteger(value)) return encodeInternalError(`integer reply ${value} is not an integer`, out);
    value = BigInt(value);
  }
  const text = value.toString();
  if (value >= INT64_MIN && value <= INT64_MAX) return out.pushAscii(`:${text}\r\n`);
  out.pushAscii(protocol === 3 ? `(${text}\r\n` : `$${text.length}\r\n${text}\r\n`);
}

function encodeBulk(value: Buffer | string, out: ReplyWriter): void {
  if (typeof value !== 'string') {
    out.pushAscii(`$${value.length}\r\n`);
    out.push(value);
    return out.pushAscii('\r\n');
  }
  const bytes = Buffer.byteLength(value);
  if (bytes === value.length) return out.pushAscii(`$${bytes}\r\n${value}\r\n`);
  out.pushAscii(`$${bytes}\r\n`);
  out.push(value);
  out.pushAscii('\r\n');
}

function encodeItems(type: string, items: readonly Reply[], protocol: ProtocolVersion, out: ReplyWriter): void {
  out.pushAscii(`${type}${items.length}\r\n`);
  for (const item of items) encodeReply(item, protocol, out);
}

/** RESP3 `=<len>\r\n<fmt>:<text>\r\n` (fmt is 3 characters, e.g. txt or mkd); RESP2 a bulk string. */
function encodeVerbatim(format: string, value: string, protocol: ProtocolVersion, out: ReplyWriter): void {
  if (protocol === 2) return encodeBulk(value, out);
  if (!/^[\x21-\x7e]{3}$/.test(format)) return encodeInternalError(`verbatim format '${format}' is not 3 characters`, out);
  out.pushAscii(`=${4 + Buffer.byteLength(value)}\r\n${format}:`);
  out.push(value);
  out.pushAscii('\r\n');
}

function encodeInternalError(detail: string, out: ReplyWriter): void {
  out.push(`-ERR internal error: ${singleLine(detail)}\r\n`);
}

function singleLine(text: string): string {
  return text.includes('\r') || text.includes('\n') ? text.replace(LINE_BREAKS, ' ') : text;
}
