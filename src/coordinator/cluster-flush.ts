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
export async function flushCluster(deps: ClusterFlushDeps): Promise<void> {
  const { view, replica, replicas, flush, logger } = deps;
  const generation = flush.current + 1;
  flush.observe(generation);
  try {
    await replica.commit();
  } catch (err) {
    if (err instanceof StorageError) throw new ReplyError(`ERR flush failed, ${err.message}`);
    throw err;
  }
  const others = [...new Set(view.owners())].filter((node) => node !== view.selfId);
  const outcomes = await Promise.allSettled(others.map((node) => replicas.flushAll(node, generation)));
  const missed = others.filter((_node, i) => outcomes[i].status === 'rejected');
  logger.info({ flushGeneration: generation, confirmed: others.length - missed.length + 1, missed }, 'FLUSHALL');
  if (missed.length > 0) {
    throw new ReplyError(
      `UNAVAILABLE FLUSHALL reached ${others.length - missed.length + 1} of ${others.length + 1} nodes; ${missed.join(', ')} will drop their data when they next hear from the cluster`,
    );
  }
}
