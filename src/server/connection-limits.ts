import type { RequestLimits } from '../resp/request-decoder';

/** Every per-client bound, named; see README "Limits". */
export interface ConnectionLimits {
  readonly request: RequestLimits;
  /** Output waiting in the socket above which we stop reading from the client until it drains. */
  readonly outputBytesPause: number;
  /** Output waiting in the socket above which the client is disconnected (it is not reading). */
  readonly outputBytesMax: number;
  /** Replies owed (commands in flight) above which we stop reading until some complete. */
  readonly pendingRepliesPause: number;
}

const MiB = 1024 * 1024;

export function connectionLimitsFor(maxValueBytes: number): ConnectionLimits {
  return {
    request: {
      // A value at the limit must fit in one argument, with room for the other arguments.
      bulkBytesMax: maxValueBytes + 64 * 1024,
      multibulkLengthMax: 1024 * 1024,
      inlineBytesMax: 64 * 1024,
      requestBytesMax: Math.max(2 * maxValueBytes, 64 * MiB),
    },
    outputBytesPause: 4 * MiB,
    outputBytesMax: Math.max(4 * maxValueBytes, 256 * MiB),
    pendingRepliesPause: 4096,
  };
}
