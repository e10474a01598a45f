/**
 * R-of-N and W-of-N accounting (etcd raft's quorum package in spirit): a tiny pure function the
 * coordinator calls after every reply, exhaustively tested on its own.
 */
export type QuorumState = 'pending' | 'met' | 'failed';

/**
 * `required` successes out of `asked` replicas, given the replies so far. 'failed' as soon as the
 * replicas still out cannot make up the difference, so a client waits no longer than it must.
 */
export function quorumState(required: number, asked: number, successes: number, failures: number): QuorumState {
  if (successes >= required) return 'met';
  if (asked - failures < required) return 'failed';
  return 'pending';
}
