import { ClusterInfo, NodeServices } from '../commands/context';
import { ALL_COMMANDS, createCommandTable } from '../commands/registry';
import { NodeConfig } from '../config/options';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { ClusterMembership } from '../membership/cluster-membership';
import { TcpTransport } from '../peer/tcp-transport';
import { LocalReplica, SWEEP_BATCH_MAX } from '../replica/local-replica';
import { preferenceList } from '../ring/preference-list';
import { RespServer } from '../server/resp-server';
import { connectionLimitsFor } from '../server/connection-limits';
import { ServerStats } from '../stats/server-stats';
import { LmdbStore } from '../storage/lmdb-store';
import { NodeCore, composeNodeCore } from './node-core';
import { settleNodeId } from './node-identity';
import { DYNKV_VERSION } from './version';

/** How often active expiry looks for due keys (Redis runs its cycle 10 times a second too). */
export const SWEEP_INTERVAL_MS = 100;
/** Gossip rounds (DESIGN: every second). */
export const GOSSIP_INTERVAL_MS = 1000;
/** Peer frames carry a value plus its record and envelope. */
const FRAME_OVERHEAD_BYTES = 1024 * 1024;
const CLUSTER_NAME = 'dynkv';

export interface NodeRuntime {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
}

interface NodeParts {
  readonly store: LmdbStore;
  readonly server: RespServer;
  readonly transport: TcpTransport;
  readonly membership: ClusterMembership;
  /** The cluster core's background loops (hint delivery, reaping, ...). */
  readonly background: { startBackground(): void; stopBackground(): void };
  readonly replica: LocalReplica;
  readonly logger: Logger;
}

/** A running dynkv node: client port, peer port, membership, coordinator, store. */
export class DynkvNode {
  readonly nodeId: string;
  readonly #parts: NodeParts;
  readonly #timers: TimerHandle[] = [];
  #stopping: Promise<void> | undefined;

  private constructor(nodeId: string, parts: NodeParts) {
    this.nodeId = nodeId;
    this.#parts = parts;
  }

  static async start(config: NodeConfig, runtime: NodeRuntime): Promise<DynkvNode> {
    const { clock, random } = runtime;
    const store = LmdbStore.open({ path: config.dataDir, mapBytes: config.maxDataBytes, durability: config.durability, clock, logger: runtime.logger });
    let transport: TcpTransport | undefined;
    try {
      const { nodeId, created } = settleNodeId(store, config.nodeId, random);
      await store.commit();
      const logger = runtime.logger.child({ node: nodeId });
      transport = new TcpTransport({
        nodeId,
        clusterName: CLUSTER_NAME,
        host: config.host,
        peerPort: config.peerPort,
        advertisedPeerPort: config.advertisedPeerPort,
        clientPort: config.port,
        frameBytesMax: config.maxValueBytes + FRAME_OVERHEAD_BYTES,
        clock,
        random,
        logger,
      });
      const stats = new ServerStats(ALL_COMMANDS.map((spec) => spec.name));
      const core = composeNodeCore({
        self: { nodeId, host: config.host, peerPort: config.advertisedPeerPort, clientPort: config.port },
        seeds: config.seeds,
        store,
        transport,
        clock,
        random,
        logger,
        quorum: { n: config.n, r: config.r, w: config.w },
        partitions: config.partitions,
        requestTimeoutMs: config.requestTimeoutMs,
        gossipIntervalMs: GOSSIP_INTERVAL_MS,
        tombstoneGraceMs: config.tombstoneGraceMs,
        valueBytesMax: config.maxValueBytes,
        clientCommandsTotal: () => stats.commandsProcessed,
      });
      const { replica, membership, coordinator } = core;
      const server = new RespServer({ host: config.host, port: config.port, maxClients: config.maxClients, limits: connectionLimitsFor(config.maxValueBytes), clock, logger, stats });
      const services: NodeServices = {
        nodeId,
        version: DYNKV_VERSION,
        config,
        clock,
        startedAtMs: clock.nowMs(),
        coordinator,
        keyspace: {
          get liveKeys() {
            return replica.liveKeys;
          },
          get expiredKeys() {
            return replica.expiredKeys;
          },
          storage: () => store.stats(),
        },
        clients: server,
        stats,
        commands: createCommandTable(ALL_COMMANDS),
        cluster: clusterInfo(core, config.n),
      };
      await transport.listen();
      const node = new DynkvNode(nodeId, { store, server, transport, membership, background: core, replica, logger });
      node.#startSweeper(clock);
      await server.listen(services);
      membership.start();
      core.startBackground();
      logger.info(
        { port: config.port, peerPort: config.peerPort, host: config.host, dataDir: config.dataDir, keys: replica.liveKeys, newNode: created, n: config.n, r: config.r, w: config.w, seeds: config.seeds },
        `dynkv node ${nodeId} listening on ${config.host}:${config.port} (peer port ${config.peerPort})`,
      );
      return node;
    } catch (err) {
      await transport?.close();
      await store.close();
      throw err;
    }
  }

  /** Clean shutdown: stop gossip, stop accepting, answer what is owed, commit, close LMDB. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const { membership, background, server, transport, store, replica, logger } = this.#parts;
      for (const timer of this.#timers) timer.cancel();
      membership.stop();
      background.stopBackground();
      await server.close();
      await transport.close();
      // Saved in a group of its own, the last: a checkpoint the soft limit refuses then takes no
      // other write down with it, and the next start loads the trees instead of building them.
      await replica.commit().catch(() => undefined);
      replica.checkpoint();
      await store.close();
      logger.info('dynkv node stopped');
    })();
    return this.#stopping;
  }

  #startSweeper(clock: Clock): void {
    const { replica, logger } = this.#parts;
    const sweep = () => {
      try {
        // A full batch means more are due: keep going soon, but yield to clients in between.
        if (replica.sweep() === SWEEP_BATCH_MAX) clock.defer(sweep);
        replica.commit().catch((err) => logger.warn({ err: (err as Error).message }, 'expiry commit failed'));
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'expiry sweep failed');
      }
    };
    this.#timers.push(clock.setInterval(SWEEP_INTERVAL_MS, sweep));
  }
}

function clusterInfo(core: NodeCore, n: number): ClusterInfo {
  const { membership, hints, replica, transfer, transferReceived, antiEntropy } = core;
  return {
    members: () => {
      const owners = membership.owners();
      // A removed member finished its RING LEAVE: it is out of the cluster (its tombstone stays
      // in the gossiped table only so stale gossip cannot bring it back).
      return [...membership.table.values()].filter((entry) => entry.status !== 'removed').map((entry) => ({
        nodeId: entry.nodeId,
        host: entry.host,
        peerPort: entry.peerPort,
        clientPort: entry.clientPort,
        status: entry.status === 'up' ? membership.liveness(entry.nodeId) : entry.status,
        partitions: owners.filter((owner) => owner === entry.nodeId).length,
      }));
    },
    preflist: (key) => {
      const partition = replica.partitionOf(key);
      const list = preferenceList(membership.owners(), partition, n, (node) => membership.isUsable(node));
      return { partition, entries: list.targets };
    },
    hintsPending: () => hints.pending(),
    antiEntropy: () => antiEntropy.status(),
    join: (address) => membership.join(address),
    leave: () => membership.leave(),
    transfers: () => transfer.transfers().map((t) => ({ ...t, from: membership.selfId, to: t.targets })),
    transferStats: () => ({ ...transfer.stats, recordsReceived: transferReceived.records, recordsMerged: transferReceived.merged }),
    memberStatus: () => membership.status,
    lifecycleStats: () => ({ flushGeneration: replica.flushGeneration, hintsDelivered: core.handoff.delivered, hintsRefused: hints.refused, tombstonesReaped: core.reaper.reaped, reapsDeferred: core.reaper.deferred }),
  };
}
