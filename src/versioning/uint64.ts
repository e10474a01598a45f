/**
 * Reading protobuf uint64 fields as plain numbers. The generated .d.ts says `number`
 * (--force-number), but at run time protobufjs's reader returns a `Long` whenever the `long`
 * package is installed, and it is (a dependency of protobufjs). So decoded values are read
 * through here, which accepts both and refuses anything above 2^53 - 1 rather than round it.
 */

interface LongBits {
  readonly low: number;
  readonly high: number;
}

function isLongBits(value: unknown): value is LongBits {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LongBits).low === 'number' &&
    typeof (value as LongBits).high === 'number'
  );
}

/** The field as a safe non-negative integer (absent = 0), or undefined if it is not one. */
export function uint64ToNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (!isLongBits(value)) return undefined;
  // Unsigned: both halves as uint32. Safe iff the high half stays below 2^21.
  const high = value.high >>> 0;
  const low = value.low >>> 0;
  return high < 2 ** 21 ? high * 2 ** 32 + low : undefined;
}
