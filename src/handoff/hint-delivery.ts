import type { ClusterView } from '../coordinator/cluster-view';
import type { ReplicaClient } from '../coordinator/replica-client';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { BackgroundBudget } from '../overload/background-budget';
import { HintStore } from '../replica/hint-store';
import { DvvSet, equalSets } from '../versioning/dvvset';

export interface HintDeliveryOptions {
  readonly hints: HintStore;
  readonly replicas: ReplicaClient;
  readonly view: ClusterView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often a round looks for targets that are back. */
  readonly intervalMs: number;
  /** Hints sent per round, across targets: background work yields to clients. */
  readonly batchMax: number;
  /** Commit what the round removed. */
  readonly commit: () => Promise<void>;
  /** The node's shared background budget: a round takes a token per hint it may send. */
  readonly budget: BackgroundBudget;
}

export const HINT_DELIVERY_INTERVAL_MS = 1000;
export const HINT_DELIVERY_BATCH_MAX = 256;

/**
 * Hinted handoff (the Dynamo paper, 4.6): every round, for each node this one holds hints for
 * that failure detection sees up, send up to a batch of its hints as ordinary replica writes
 * (the target merges them with DVV sync) and delete each one the target acknowledged, unless the
 * hint changed while it was in flight (a newer write merged into it): that one goes next round.
 */
export class HintDelivery {
  readonly #o: HintDeliveryOptions;
  #timer: TimerHandle | undefined;
  #running = false;
  #delivered = 0;
  #failed = 0;

  constructor(options: HintDeliveryOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = this.#o.clock.setInterval(this.#o.intervalMs, () => void this.round());
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  get delivered(): number {
    return this.#delivered;
  }

  get failed(): number {
    return this.#failed;
  }

  /** One round; a round still running when the next is due makes that one a no-op. */
  async round(): Promise<void> {
    if (this.#running) return;
    const targets = [...this.#o.hints.pending()].filter(([target]) => target !== this.#o.view.selfId && this.#o.view.isUsable(target));
    if (targets.length === 0) return;
    const held = targets.reduce((sum, [, count]) => sum + count, 0);
    const batchMax = Math.min(this.#o.batchMax, held);
    if (!this.#o.budget.tryTake(this.#o.clock.monotonicMs(), batchMax)) return;
    this.#running = true;
    let delivered = 0;
    try {
      let budget = batchMax;
      for (const [target] of targets) {
        if (budget <= 0) break;
        const outcome = await this.#deliverTo(target, budget);
        budget -= outcome.attempted;
        delivered += outcome.delivered;
      }
    } catch (err) {
      // A full disk or a failed commit: the hints are still there; the next round tries again.
      this.#o.logger.warn({ err: (err as Error).message }, 'hint delivery round failed');
      delivered = 0;
    } finally {
      this.#running = false;
    }
    // A full batch was delivered: more are waiting. The next round starts at once, not a second
    // later, for as long as the background budget (which shrinks when clients are busy) allows.
    // A round with failures waits for the next tick, so a hint that keeps failing never spins.
    if (delivered >= this.#o.batchMax && this.#timer !== undefined) this.#o.clock.defer(() => void this.round());
  }

  async #deliverTo(target: string, budget: number): Promise<{ attempted: number; delivered: number }> {
    const batch: Array<{ partition: number; key: Buffer; set: DvvSet }> = [];
    this.#o.hints.forEach(target, (partition, key, set) => {
      batch.push({ partition, key: Buffer.from(key), set });
      return batch.length < budget;
    });
    const results = await Promise.allSettled(batch.map(({ partition, key, set }) => this.#o.replicas.write({ node: target, role: 'primary' }, partition, key, set)));
    let removed = 0;
    results.forEach((result, i) => {
      const { partition, key, set } = batch[i];
      if (result.status === 'rejected') {
        this.#failed++;
        return;
      }
      // Only what the target acknowledged may go: a hint that grew meanwhile stays for next round.
      if (equalSets(this.#o.hints.read(target, partition, key), set)) {
        this.#o.hints.remove(target, partition, key);
        removed++;
      }
    });
    if (removed > 0) {
      await this.#o.commit();
      this.#delivered += removed;
      this.#o.logger.info({ target, delivered: removed, left: this.#o.hints.pending().get(target) ?? 0 }, 'hints handed off');
    }
    return { attempted: batch.length, delivered: removed };
  }
}
