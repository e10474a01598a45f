import { AE_REPAIR_KEYS_MAX, AntiEntropyExchange } from '../antientropy/exchange';
import { createExchangeResponder } from '../antientropy/exchange-responder';
import { AE_EXCHANGE_INTERVAL_MS, AntiEntropyScheduler } from '../antientropy/scheduler';
import { ClusterCoordinator } from '../coordinator/cluster-coordinator';
import { FlushGenerations } from '../coordinator/flush-generations';
import { createPeerRequestHandler } from '../coordinator/peer-request-handler';
import { ReplicaClient } from '../coordinator/replica-client';
import { DEFAULT_SIBLING_LIMITS } from '../coordinator/sibling-limits';
import { HINT_DELIVERY_BATCH_MAX, HINT_DELIVERY_INTERVAL_MS, HintDelivery } from '../handoff/hint-delivery';
import { TombstoneReaper } from '../antientropy/tombstone-reaper';
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
  /** False only in simulator schedules that run without anti-entropy. */
  readonly antiEntropy?: boolean;
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
  readonly reaper: TombstoneReaper;
  /** Merkle anti-entropy with the other primaries of this node's partitions. */
  readonly antiEntropy: AntiEntropyScheduler;
  /** Hands partitions this node no longer is a primary of to their primaries (join, leave). */
  readonly transfer: PartitionTransfer;
  /** Records received by partition transfer, and how many changed the replica (INFO). */
  readonly transferReceived: { records: number; merged: number };
  /** Shared by every background loop: their sum yields to clients. */
  readonly budget: BackgroundBudget;
  /** Start / stop every background loop (hint delivery, reaping, ...); membership is separate. */
  startBackground(): void;
  stopBackground(): void;
}

/**
 * Wire the cluster components over a store and a transport, and answer peers through the
 * transport. The real node (LMDB, TCP) and the simulator's node (memory, simulated network) both
 * build themselves here, so the simulator exercises exactly the wiring production runs. Starts
 * no timers: the caller starts membership, handoff and anti-entropy when it is ready to serve.
 */
export function composeNodeCore(o: NodeCoreOptions): NodeCore {
  const { store, transport, clock, random, logger } = o;
  const budget = new BackgroundBudget(o.clientCommandsTotal);
  const replica = new LocalReplica({
    store,
    clock,
    logger,
    partitionCount: o.partitions,
    tombstoneGraceMs: o.tombstoneGraceMs,
    // Break 'reap-unconfirmed': a dead record is removed past grace without asking the other replicas.
    reapNeedsConfirmation: o.quorum.n > 1 && !o.breaks?.has('reap-unconfirmed'),
    breaks: o.breaks,
  });
  const hints = new HintStore(store, logger, () => replica.flushGeneration);
  const flush = new FlushGenerations(replica, hints, logger);
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
    flush,
  });
  const replicas = new ReplicaClient(transport, membership, o.requestTimeoutMs, flush, clock);
  const coordinator = new ClusterCoordinator({
    view: membership,
    replica,
    hints,
    replicas,
    flush,
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
    budget,
  });
  const exchange = new AntiEntropyExchange({
    replica,
    transport,
    view: membership,
    clock,
    logger,
    budget,
    requestTimeoutMs: o.requestTimeoutMs,
    repairKeysMax: AE_REPAIR_KEYS_MAX,
  });
  const antiEntropy = new AntiEntropyScheduler({ exchange, view: membership, n: o.quorum.n, clock, logger, intervalMs: AE_EXCHANGE_INTERVAL_MS });
  const reaper = new TombstoneReaper({
    replica,
    replicas,
    view: membership,
    budget,
    clock,
    logger,
    n: o.quorum.n,
    tombstoneGraceMs: o.tombstoneGraceMs,
    hintFor: (target, partition, key) => hints.read(target, partition, key),
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
  // Anti-entropy runs unless the simulator switched it off for a schedule.
  const loops = o.antiEntropy === false ? [handoff, reaper, transfer] : [handoff, reaper, transfer, antiEntropy];
  transport.serve(
    createPeerRequestHandler({
      replica,
      hints,
      coordinator,
      flush,
      onGossip: (_from, state) => membership.onGossip(state),
      onAntiEntropy: createExchangeResponder({ replica, clock }),
      logger,
      breaks: o.breaks,
      isPrimaryOf,
      onTransferReceived: (records, merged) => {
        transferReceived.records += records;
        transferReceived.merged += merged;
      },
    }),
  );
  return {
    replica,
    hints,
    membership,
    coordinator,
    handoff,
    reaper,
    antiEntropy,
    transfer,
    transferReceived,
    budget,
    startBackground: () => loops.forEach((loop) => loop.start()),
    stopBackground: () => loops.forEach((loop) => loop.stop()),
  };
}
