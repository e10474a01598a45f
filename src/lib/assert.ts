/**
 * Assertions catch programmer errors (TigerBeetle's distinction); operating errors (bad input,
 * full disk, unreachable peer) are handled as values and never asserted.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
