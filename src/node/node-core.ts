import { ClusterCoordinator } from '../coordinator/cluster-coordinator';
import { createPeerRequestHandler } from '../coordinator/peer-request-handler';
import { ReplicaClient } from '../coordinator/replica-client';
import { DEFAULT_SIBLING_LIMITS } from '../coordinator/sibling-limits';
import { HINT_DELIVERY_BATCH_MAX, HINT_DELIVERY_INTERVAL_MS, HintDelivery } from '../handoff/hint-delivery';
import { PartitionTransfer, TRANSFER_INTERVAL_MS } from '../handoff/partition-transfer';
import { DEFAULT_TRANSFER_LIMITS, TransferLimits } from '../handoff/transfer-plan';
import { preferenceList } from '../ring/preference-list';
import { Breaks } from '../lib/breaks';
import { Clock } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { ClusterMembership } from '../membership/cluster-membership';
import { BackgroundBudget } from '../overload/background-budget';
import { Transport } from '../peer/transport';
import { HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';
import { Store } from '../storage/store';
import { DEFAULT_PRUNE_LIMITS } from '../versioning/prune';

export interface NodeCoreOptions {
  readonly self: { readonly nodeId: string; readonly host: string; readonly peerPort: number; readonly clientPort: number };
  readonly seeds: readonly string[];
  readonly store: Store;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly quorum: { readonly n: number; readonly r: number; readonly w: number };
  readonly partitions: number;
  readonly requestTimeoutMs: number;
  readonly gossipIntervalMs: number;
  readonly tombstoneGraceMs: number;
  readonly valueBytesMax: number;
  /** Client commands served so far: background work (hints, anti-entropy, transfers) yields when it climbs fast. */
  readonly clientCommandsTotal: () => number;
  /** Deliberate bugs, for the simulator only. */
  readonly breaks?: Breaks;
  /** Partition transfer batch limits (tests make them small); default DEFAULT_TRANSFER_LIMITS. */
  readonly transferLimits?: TransferLimits;
}

/** The components that make a node a cluster member, whatever its store and network. */
export interface NodeCore {
  readonly replica: LocalReplica;
  readonly hints: HintStore;
  readonly membership: ClusterMembership;
  readonly coordinator: ClusterCoordinator;
  readonly handoff: HintDelivery;
  /** Hands partitions this node no longer is a primary of to their primaries (join, leave). */
  readonly transfer: PartitionTransfer;
  /** Records received by partition transfer, and how many changed the replica (INFO). */
  readonly transferReceived: { records: number; merged: number };
  /** Shared by every background loop: their sum yields to clients. */
  readonly budget: BackgroundBudget;
}

/**
 * Wire the cluster components over a store and a transport, and answer peers through the
 * transport. The real node (LMDB, TCP) and the simulator's node (memory, simulated network) both
 * build themselves here, so the simulator exercises exactly the wiring production runs. Starts
 * no timers: the caller starts membership and handoff when it is ready to serve.
 */
export function composeNodeCore(o: NodeCoreOptions): NodeCore {
  const { store, transport, clock, random, logger } = o;
  const budget = new BackgroundBudget(o.clientCommandsTotal);
  const replica = new LocalReplica({ store, clock, logger, partitionCount: o.partitions, tombstoneGraceMs: o.tombstoneGraceMs });
  const hints = new HintStore(store, logger);
  const membership = new ClusterMembership({
    self: o.self,
    seeds: o.seeds,
    partitionCount: o.partitions,
    transport,
    store,
    clock,
    random,
    logger,
    gossipIntervalMs: o.gossipIntervalMs,
    requestTimeoutMs: o.requestTimeoutMs,
  });
  const replicas = new ReplicaClient(transport, membership, o.requestTimeoutMs);
  const coordinator = new ClusterCoordinator({
    view: membership,
    replica,
    hints,
    replicas,
    clock,
    random,
    logger,
    quorum: o.quorum,
    siblingLimits: DEFAULT_SIBLING_LIMITS,
    pruneLimits: DEFAULT_PRUNE_LIMITS,
    mutationLimits: { valueBytesMax: o.valueBytesMax },
    breaks: o.breaks,
  });
  const handoff = new HintDelivery({
    hints,
    replicas,
    view: membership,
    clock,
    logger,
    intervalMs: HINT_DELIVERY_INTERVAL_MS,
    batchMax: HINT_DELIVERY_BATCH_MAX,
    commit: () => replica.commit(),
  });
  const transfer = new PartitionTransfer({
    replica,
    store,
    hints,
    replicas,
    view: membership,
    membership,
    budget,
    clock,
    logger,
    n: o.quorum.n,
    limits: o.transferLimits ?? DEFAULT_TRANSFER_LIMITS,
    intervalMs: TRANSFER_INTERVAL_MS,
  });
  const transferReceived = { records: 0, merged: 0 };
  const isPrimaryOf = (partition: number) =>
    preferenceList(membership.owners(), partition, o.quorum.n, () => true).primaries.some((entry) => entry.node === membership.selfId);
  transport.serve(
    createPeerRequestHandler({
      replica,
      hints,
      coordinator,
      onGossip: (_from, state) => membership.onGossip(state),
      logger,
      breaks: o.breaks,
      isPrimaryOf,
      onTransferReceived: (records, merged) => {
        transferReceived.records += records;
        transferReceived.merged += merged;
      },
    }),
  );
  return { replica, hints, membership, coordinator, handoff, transfer, transferReceived, budget };
}
