import { ALL_COMMANDS, createCommandTable } from '../commands/registry';
import { NodeServices } from '../commands/context';
import { NodeConfig } from '../config/options';
import { DEFAULT_SIBLING_LIMITS, LocalCoordinator } from '../coordinator/local-coordinator';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { LocalReplica, SWEEP_BATCH_MAX } from '../replica/local-replica';
import { RespServer } from '../server/resp-server';
import { connectionLimitsFor } from '../server/connection-limits';
import { ServerStats } from '../stats/server-stats';
import { LmdbStore } from '../storage/lmdb-store';
import { DEFAULT_PRUNE_LIMITS } from '../versioning/prune';
import { settleNodeId } from './node-identity';
import { DYNKV_VERSION } from './version';

/** How often active expiry looks for due keys (Redis runs its cycle 10 times a second too). */
export const SWEEP_INTERVAL_MS = 100;

/**
 * Tombstones are reaped after this grace. A single replica (N=1) is the only holder, so it may
 * reap at once; with N>1 they are kept until anti-entropy confirms every replica holds them.
 */
const SINGLE_REPLICA_GRACE_MS = 0;
const REPLICATED_GRACE_MS = 24 * 3600 * 1000;

export interface NodeRuntime {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
}

/** A running dynkv node. */
export class DynkvNode {
  readonly nodeId: string;
  readonly #store: LmdbStore;
  readonly #server: RespServer;
  readonly #replica: LocalReplica;
  readonly #logger: Logger;
  readonly #timers: TimerHandle[] = [];
  #stopping: Promise<void> | undefined;

  private constructor(nodeId: string, store: LmdbStore, server: RespServer, replica: LocalReplica, logger: Logger) {
    this.nodeId = nodeId;
    this.#store = store;
    this.#server = server;
    this.#replica = replica;
    this.#logger = logger;
  }

  static async start(config: NodeConfig, runtime: NodeRuntime): Promise<DynkvNode> {
    const { clock, random } = runtime;
    const store = LmdbStore.open({
      path: config.dataDir,
      mapBytes: config.maxDataBytes,
      durability: config.durability,
      clock,
      logger: runtime.logger,
    });
    try {
      const { nodeId, created } = settleNodeId(store, config.nodeId, random);
      await store.commit();
      const logger = runtime.logger.child({ node: nodeId });
      const replica = new LocalReplica({
        store,
        clock,
        logger,
        partitionCount: config.partitions,
        tombstoneGraceMs: config.n === 1 ? SINGLE_REPLICA_GRACE_MS : REPLICATED_GRACE_MS,
      });
      const coordinator = new LocalCoordinator({
        nodeId,
        replica,
        clock,
        logger,
        quorum: { r: config.r, w: config.w },
        siblingLimits: DEFAULT_SIBLING_LIMITS,
        pruneLimits: DEFAULT_PRUNE_LIMITS,
        mutationLimits: { valueBytesMax: config.maxValueBytes },
      });
      const stats = new ServerStats(ALL_COMMANDS.map((spec) => spec.name));
      const server = new RespServer({
        host: config.host,
        port: config.port,
        maxClients: config.maxClients,
        limits: connectionLimitsFor(config.maxValueBytes),
        clock,
        logger,
        stats,
      });
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
      };
      const node = new DynkvNode(nodeId, store, server, replica, logger);
      node.#startSweeper(clock);
      await server.listen(services);
      logger.info(
        { port: config.port, host: config.host, dataDir: config.dataDir, keys: replica.liveKeys, newNode: created, n: config.n, r: config.r, w: config.w },
        `dynkv node ${nodeId} listening on ${config.host}:${config.port}`,
      );
      return node;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** Clean shutdown: stop accepting, answer what is owed, commit, close LMDB. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const timer of this.#timers) timer.cancel();
      await this.#server.close();
      await this.#store.close();
      this.#logger.info('dynkv node stopped');
    })();
    return this.#stopping;
  }

  #startSweeper(clock: Clock): void {
    const sweep = () => {
      try {
        // A full batch means more are due: keep going soon, but yield to clients in between.
        if (this.#replica.sweep() === SWEEP_BATCH_MAX) clock.defer(sweep);
        this.#replica.commit().catch((err) => this.#logger.warn({ err: (err as Error).message }, 'expiry commit failed'));
      } catch (err) {
        this.#logger.warn({ err: (err as Error).message }, 'expiry sweep failed');
      }
    };
    this.#timers.push(clock.setInterval(SWEEP_INTERVAL_MS, sweep));
  }
}
