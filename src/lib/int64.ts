/** Redis's integers: signed 64-bit values written in strict decimal. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const INTEGER_PATTERN = /^-?(0|[1-9][0-9]*)$/;

/** A signed 64-bit integer in Redis's strict decimal form (no spaces, no '+', no leading zeros), or undefined. */
export function parseInt64(arg: Buffer | string): bigint | undefined {
  const text = typeof arg === 'string' ? arg : arg.toString('latin1');
  if (text.length === 0 || text.length > 20 || !INTEGER_PATTERN.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}
