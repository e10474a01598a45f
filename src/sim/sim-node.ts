import type { TransferLimits } from '../handoff/transfer-plan';
import { Breaks, NO_BREAKS } from '../lib/breaks';
import { TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { LocalReplica, SWEEP_BATCH_MAX } from '../replica/local-replica';
import { MemoryStore } from '../storage/memory-store';
import { NodeCore, composeNodeCore } from '../node/node-core';
import { StorageError } from '../storage/store';
import type { DvvSet } from '../versioning/dvvset';
import { NodeClock, SimClock } from './sim-clock';
import { SimNetwork } from './sim-network';

export interface SimClusterConfig {
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly partitions: number;
  readonly requestTimeoutMs: number;
  readonly gossipIntervalMs: number;
  readonly sweepIntervalMs: number;
  /** Tombstone grace: the real node keeps tombstones a day when N > 1. */
  readonly tombstoneGraceMs: number;
  /**
   * Whether Merkle anti-entropy runs (it does in production). Off only to watch what another
   * mechanism alone does: anti-entropy spreads and heals, and so can hide, what read repair did.
   */
  readonly antiEntropy: boolean;
  /** Partition transfer batch limits; unset = the real node's defaults. */
  readonly transferLimits?: TransferLimits;
}

export const DEFAULT_SIM_CLUSTER: SimClusterConfig = {
  n: 3,
  r: 2,
  w: 2,
  partitions: 64,
  requestTimeoutMs: 1000,
  gossipIntervalMs: 1000,
  sweepIntervalMs: 100,
  // Short, so schedules reap tombstones while faults still run (SPEC 3.5 is then tested).
  tombstoneGraceMs: 5_000,
  antiEntropy: true,
};

const MAX_VALUE_BYTES = 1024 * 1024;

/** The components of one incarnation of a node (rebuilt by restart over the same store). */
/** The running incarnation's components: exactly what the real node composes. */
export type SimNodeParts = NodeCore;

export type SimNodeState = 'up' | 'paused' | 'crashed';

/**
 * One dynkv node in the simulator: the real replica, hint store, membership, coordinator and peer
 * handler, wired as src/node/dynkv-node.ts wires them, but over a MemoryStore and the SimNetwork.
 * No RESP server: the workload calls the coordinator the way the commands do.
 */
export class SimNode {
  readonly nodeId: string;
  readonly host: string;
  readonly peerPort: number;
  #store: MemoryStore;
  readonly #network: SimNetwork;
  /** This node's clock: shared time, its own wall-clock offset (the clock-jump fault). */
  readonly clock: NodeClock;
  readonly #clock: NodeClock;
  readonly #breaks: Breaks;
  readonly #random: Random;
  readonly #logger: Logger;
  readonly #config: SimClusterConfig;
  readonly #seeds: readonly string[];
  #parts: SimNodeParts | undefined;
  readonly #onRecordRemoved: ((key: Buffer, removed: DvvSet) => void) | undefined;
  #timers: TimerHandle[] = [];
  #state: SimNodeState = 'crashed';
  /** Bumped on crash: a client call that spans a crash gets no answer it may trust. */
  generation = 0;
  #crashed: Promise<void> = new Promise(() => undefined);
  #signalCrash: () => void = () => undefined;

  constructor(options: {
    nodeId: string;
    host: string;
    peerPort: number;
    seeds: readonly string[];
    network: SimNetwork;
    clock: SimClock;
    random: Random;
    logger: Logger;
    config: SimClusterConfig;
    breaks?: Breaks;
    /** Told of every record a replica removes (the checkers learn what reaping took away). */
    onRecordRemoved?: (key: Buffer, removed: DvvSet) => void;
  }) {
    this.#onRecordRemoved = options.onRecordRemoved;
    this.nodeId = options.nodeId;
    this.host = options.host;
    this.peerPort = options.peerPort;
    this.#network = options.network;
    this.clock = new NodeClock(options.clock);
    this.#clock = this.clock;
    this.#breaks = options.breaks ?? NO_BREAKS;
    this.#random = options.random;
    this.#logger = options.logger.child({ node: options.nodeId });
    this.#config = options.config;
    this.#seeds = options.seeds;
    this.#store = new MemoryStore({ clock: this.clock, logger: this.#logger });
    this.#network.addNode(this.nodeId, { host: this.host, port: this.peerPort });
  }

  /** The node's disk (replaced by `replaceDisk`). */
  get store(): MemoryStore {
    return this.#store;
  }

  get state(): SimNodeState {
    return this.#state;
  }

  /** The running incarnation's components; throws if the node is crashed. */
  get parts(): SimNodeParts {
    if (!this.#parts) throw new Error(`${this.nodeId} is not running`);
    return this.#parts;
  }

  start(): void {
    const config = this.#config;
    const clock = this.#clock;
    const store = this.store;
    const logger = this.#logger;
    const transport = this.#network.open(this.nodeId);
    const parts = composeNodeCore({
      self: { nodeId: this.nodeId, host: this.host, peerPort: this.peerPort, clientPort: this.peerPort + 1000 },
      seeds: this.#seeds,
      store,
      transport,
      clock,
      random: this.#random,
      logger,
      quorum: { n: config.n, r: config.r, w: config.w },
      partitions: config.partitions,
      requestTimeoutMs: config.requestTimeoutMs,
      gossipIntervalMs: config.gossipIntervalMs,
      tombstoneGraceMs: config.tombstoneGraceMs,
      valueBytesMax: MAX_VALUE_BYTES,
      // The simulated workload is light: background work runs at its idle budget.
      clientCommandsTotal: () => 0,
      breaks: this.#breaks,
      antiEntropy: config.antiEntropy,
      transferLimits: config.transferLimits,
    });
    const { replica, membership } = parts;
    if (this.#onRecordRemoved) replica.onRecordRemoved(this.#onRecordRemoved);
    this.#parts = parts;
    this.#state = 'up';
    this.#crashed = new Promise((resolve) => {
      this.#signalCrash = resolve;
    });
    this.#startSweeper(replica);
    membership.start();
    parts.startBackground();
  }

  /** kill -9: staged writes are lost, timers stop, nothing in flight is answered. */
  crash(): void {
    if (this.#state === 'crashed') return;
    this.#stopTimers();
    this.#parts?.membership.stop();
    this.#parts?.stopBackground();
    this.#network.crash(this.nodeId);
    this.store.crash();
    this.#parts = undefined;
    this.#state = 'crashed';
    this.generation++;
    this.#signalCrash();
  }

  /** Resolves when this incarnation crashes: its clients' connections drop, nothing more is answered. */
  whenCrashed(): Promise<void> {
    return this.#crashed;
  }

  /**
   * The disk of a crashed node is swapped for an empty one (a replacement machine, or a wiped
   * data dir): the next restart is the same node id with nothing stored, which anti-entropy refills.
   */
  replaceDisk(): void {
    if (this.#state !== 'crashed') throw new Error(`${this.nodeId} must be crashed to replace its disk`);
    this.#store = new MemoryStore({ clock: this.clock, logger: this.#logger });
  }

  /** A new process over the same store: what was committed survives. */
  restart(): void {
    if (this.#state !== 'crashed') return;
    this.store.reopen();
    this.start();
  }

  /** SIGSTOP: no gossip, no sweeps, nothing in or out. Work already in its promises continues (see report). */
  pause(): void {
    if (this.#state !== 'up') return;
    this.#stopTimers();
    this.#parts?.membership.stop();
    this.#parts?.stopBackground();
    this.#network.setUp(this.nodeId, false);
    this.#state = 'paused';
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    this.#network.setUp(this.nodeId, true);
    this.#state = 'up';
    const parts = this.parts;
    this.#startSweeper(parts.replica);
    parts.membership.start();
    parts.startBackground();
  }

  #startSweeper(replica: LocalReplica): void {
    const sweep = () => {
      // Same loop as DynkvNode's sweeper: a full disk is logged and the sweep tries again next
      // tick (the abandoned group loses nothing committed); any other error counts as a throw.
      try {
        if (replica.sweep() === SWEEP_BATCH_MAX) this.#clock.defer(sweep);
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        this.#logger.warn({ err: err.message }, 'expiry sweep failed');
      }
      replica.commit().catch((err: unknown) => this.#logger.warn({ err: (err as Error).message }, 'expiry commit failed'));
    };
    this.#timers.push(this.#clock.setInterval(this.#config.sweepIntervalMs, sweep));
  }

  #stopTimers(): void {
    for (const timer of this.#timers) timer.cancel();
    this.#timers = [];
  }
}
