import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import { LocalReplica } from '../replica/local-replica';
import { StorageError } from '../storage/store';
import type { ClusterView } from './cluster-view';
import type { FlushGenerations } from './flush-generations';
import type { ReplicaClient } from './replica-client';

export interface ClusterFlushDeps {
  readonly view: ClusterView;
  readonly replica: LocalReplica;
  readonly replicas: ReplicaClient;
  readonly flush: FlushGenerations;
  readonly logger: Logger;
}

/**
 * FLUSHALL for the whole cluster: open a new flush generation here (dropping this node's data
 * durably), then ask every other member to adopt it. The flush cannot be undone once this node has
 * adopted it: the generation travels with every peer message and gossip round, and any version
 * written before it is dropped wherever it arrives (src/versioning/flush.ts). The reply is OK only
 * when every member confirmed, so a write acknowledged after OK can never be of the old
 * generation; otherwise UNAVAILABLE says the flush completes as the others return.
 */
/** Rounds a FLUSHALL tries when another flush took the same generation number meanwhile. */
export const FLUSH_ROUNDS_MAX = 3;

export async function flushCluster(deps: ClusterFlushDeps): Promise<void> {
  const { view, replica, replicas, flush, logger } = deps;
  const others = [...new Set(view.owners())].filter((node) => node !== view.selfId);
  for (let round = 1; ; round++) {
    const generation = flush.current + 1;
    flush.observe(generation);
    try {
      await replica.commit();
    } catch (err) {
      if (err instanceof StorageError) throw new ReplyError(`ERR flush failed, ${err.message}`);
      throw err;
    }
    const outcomes = await Promise.allSettled(others.map((node) => replicas.flushAll(node, generation)));
    const missed = others.filter((_node, i) => outcomes[i].status === 'rejected');
    // A member that already had this generation (another FLUSHALL chose the same number, or was
    // ahead) did not flush for us: its data written in that generation is still there. Flush
    // again, above every generation any member reported.
    const replies = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    if (replies.some((reply) => !reply.adopted) && round < FLUSH_ROUNDS_MAX) {
      flush.observe(Math.max(...replies.map((reply) => reply.generation)));
      continue;
    }
    logger.info({ flushGeneration: generation, confirmed: others.length - missed.length + 1, missed, round }, 'FLUSHALL');
    if (missed.length > 0) {
      throw new ReplyError(
        `UNAVAILABLE FLUSHALL reached ${others.length - missed.length + 1} of ${others.length + 1} nodes; ${missed.join(', ')} will drop their data when they next hear from the cluster`,
      );
    }
    if (replies.some((reply) => !reply.adopted)) throw new ReplyError('UNAVAILABLE FLUSHALL raced other flushes; try again');
    return;
  }
}
