/**
 * The bounds a client connection's request decoder enforces. Every one is checked from the
 * declared sizes in the request's headers, before the bytes arrive, so a hostile client cannot
 * make the node buffer more than these limits allow; going over one is a protocol error.
 */
export interface RequestLimits {
  /** Largest single argument (Redis: proto-max-bulk-len, 512 MiB); we use maxValueBytes + 1 MiB. */
  readonly bulkBytesMax: number;
  /** Most arguments in one multibulk request (Redis 6: 1024 * 1024). */
  readonly multibulkLengthMax: number;
  /** Longest inline command line, without its `\r\n` (Redis: PROTO_INLINE_MAX_SIZE, 64 KiB). */
  readonly inlineBytesMax: number;
  /**
   * Largest encoded multibulk request, headers included (Redis: client-query-buffer-limit).
   * This is what one unfinished command may make us buffer.
   */
  readonly requestBytesMax: number;
}
