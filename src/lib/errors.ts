/**
 * An error whose message is meant for the client, in Redis wording without the leading "-"
 * (e.g. "ERR value too large ..." or "UNAVAILABLE ..."). Commands throw it; the connection turns
 * it into an error reply. Anything else thrown is a bug: logged, answered as an internal error.
 */
export class ReplyError extends Error {
  override name = 'ReplyError';
}
