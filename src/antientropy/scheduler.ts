import type { ClusterView } from '../coordinator/cluster-view';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { AntiEntropyExchange, ExchangeResult } from './exchange';
import { peersOf, planNextExchange } from './exchange-plan';

/**
 * Time between exchanges. One exchange at a time, so a node that is a primary of every partition
 * (3 nodes, N=3, 64 partitions) covers them all in 64 x 250 ms = 16 s when in sync, well under a
 * minute; an exchange that overruns the tick just delays the next.
 */
export const AE_EXCHANGE_INTERVAL_MS = 250;

/** Progress, for RING STATUS and INFO. */
export interface AntiEntropyStatus {
  readonly exchanges: number;
  readonly exchangesFailed: number;
  readonly keysPulled: number;
  readonly keysPushed: number;
  /** Full passes over this node's primary partitions completed since start. */
  readonly cycles: number;
  /** Duration of the last full pass; 0 before the first one ends. */
  readonly lastCycleMs: number;
  /** Primary partitions not known to be in sync: not compared yet this run, or left unrepaired, or no usable peer. */
  readonly partitionsBehind: number;
}

export interface AntiEntropySchedulerOptions {
  readonly exchange: AntiEntropyExchange;
  readonly view: ClusterView;
  readonly n: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
}

/**
 * Runs anti-entropy over every partition this node is a primary of, round robin: each tick starts
 * one exchange (of the next such partition, with the next usable peer among its other primaries,
 * exchange-plan.ts) unless one is still running. Each exchange's repairs take from the shared
 * background budget, so repair yields to clients.
 */
export class AntiEntropyScheduler {
  readonly #o: AntiEntropySchedulerOptions;
  #timer: TimerHandle | undefined;
  #running = false;
  #cursor = 0;
  #cycleStartMs: number | undefined;
  readonly #turns = new Map<number, number>();
  /** Partitions whose last exchange ended with both sides equal (or fully repaired). */
  readonly #inSync = new Set<number>();
  #exchanges = 0;
  #failed = 0;
  #keysPulled = 0;
  #keysPushed = 0;
  #cycles = 0;
  #lastCycleMs = 0;

  constructor(options: AntiEntropySchedulerOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = this.#o.clock.setInterval(this.#o.intervalMs, () => void this.tick());
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  status(): AntiEntropyStatus {
    const owners = this.#o.view.owners();
    let primaries = 0;
    let behind = 0;
    for (let partition = 0; partition < owners.length; partition++) {
      if (!this.#isPrimaryWithPeers(owners, partition)) continue;
      primaries++;
      if (!this.#inSync.has(partition)) behind++;
    }
    return {
      exchanges: this.#exchanges,
      exchangesFailed: this.#failed,
      keysPulled: this.#keysPulled,
      keysPushed: this.#keysPushed,
      cycles: this.#cycles,
      lastCycleMs: this.#lastCycleMs,
      partitionsBehind: primaries === 0 ? 0 : behind,
    };
  }

  /** One step: the next partition's exchange; a tick while one runs is a no-op. */
  async tick(): Promise<void> {
    if (this.#running) return;
    const { view, clock } = this.#o;
    const owners = view.owners();
    const plan = planNextExchange({
      owners,
      selfId: view.selfId,
      n: this.#o.n,
      fromPartition: this.#cursor % owners.length,
      turnOf: (partition) => this.#turns.get(partition) ?? 0,
      isUsable: (node) => view.isUsable(node),
    });
    if (plan === undefined) return;
    this.#cycleStartMs ??= clock.monotonicMs();
    // Wrapping past the last partition ends a pass over all of this node's primary partitions.
    if (plan.partition < this.#cursor) this.#endCycle();
    this.#cursor = plan.partition + 1;
    if (plan.peer === undefined) {
      this.#inSync.delete(plan.partition);
      return;
    }
    this.#turns.set(plan.partition, (this.#turns.get(plan.partition) ?? 0) + 1);
    this.#running = true;
    let repaired = false;
    try {
      const result = await this.#o.exchange.run(plan.partition, plan.peer);
      this.#record(plan.partition, plan.peer, result);
      repaired = result.keysPulled + result.keysPushed > 0;
    } catch (err) {
      // A full disk or a closed store: nothing was acknowledged; the next cycle tries again.
      this.#failed++;
      this.#inSync.delete(plan.partition);
      this.#o.logger.warn({ partition: plan.partition, peer: plan.peer, err: (err as Error).message }, 'anti-entropy exchange failed');
    } finally {
      this.#running = false;
    }
    // Catching up (a node back from an outage, or refilled after a disk loss): while exchanges
    // find differences, the next one starts at once instead of a tick later. Repairs still take
    // from the background budget, so this never outruns what clients leave over.
    if (repaired && this.#timer !== undefined) this.#o.clock.defer(() => void this.tick());
  }

  #record(partition: number, peer: string, result: ExchangeResult): void {
    this.#exchanges++;
    this.#keysPulled += result.keysPulled;
    this.#keysPushed += result.keysPushed;
    if (result.outcome === 'failed') this.#failed++;
    if (result.outcome === 'equal' || result.outcome === 'repaired') this.#inSync.add(partition);
    else this.#inSync.delete(partition);
    if (result.keysPulled + result.keysPushed > 0 || result.outcome === 'partial') {
      this.#o.logger.info({ partition, peer, ...result }, 'anti-entropy repaired');
    }
  }

  #endCycle(): void {
    const nowMs = this.#o.clock.monotonicMs();
    if (this.#cycleStartMs !== undefined) {
      this.#cycles++;
      this.#lastCycleMs = nowMs - this.#cycleStartMs;
    }
    this.#cycleStartMs = nowMs;
  }

  #isPrimaryWithPeers(owners: readonly string[], partition: number): boolean {
    return (peersOf(owners, partition, this.#o.n, this.#o.view.selfId)?.length ?? 0) > 0;
  }
}
