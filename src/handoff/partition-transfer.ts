import type { ClusterView } from '../coordinator/cluster-view';
import type { ReplicaClient } from '../coordinator/replica-client';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { BackgroundBudget } from '../overload/background-budget';
import { HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';
import { partitionDataRange, transferCursorKey, userKeyOfDataKey } from '../storage/keys';
import { Store } from '../storage/store';
import { DvvSet, EMPTY_DVVSET, equalSets } from '../versioning/dvvset';
import { decodeRecord } from '../versioning/record-codec';
import { Handoff, TransferLimits, advanceCursor, afterPassEnd, batchAcknowledged, droppable, fitsInBatch, leaveComplete, nextHandoff, planHandoffs, primariesByPartition } from './transfer-plan';

/** What the transfer needs of membership: its own status, advertising, leaving. */
export interface TransferMembership {
  readonly status: string;
  setHandoff(partitions: readonly number[]): void;
  completeLeave(): void;
}

export interface PartitionTransferOptions {
  readonly replica: LocalReplica;
  readonly store: Store;
  readonly hints: HintStore;
  readonly replicas: ReplicaClient;
  readonly view: ClusterView;
  readonly membership: TransferMembership;
  readonly budget: BackgroundBudget;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly n: number;
  readonly limits: TransferLimits;
  /** How often a round re-plans (which partitions to hand off) and starts batches. */
  readonly intervalMs: number;
}

export const TRANSFER_INTERVAL_MS = 1000;

/** One partition being handed off, as RING STATUS shows it. */
export interface TransferProgress {
  readonly partition: number;
  readonly targets: readonly string[];
  /** Records sent (each counted once per batch, whatever the number of targets). */
  sent: number;
  /** Records dropped here after every target acknowledged them. */
  dropped: number;
  /** Records held when the hand-off started (a later write may add some). */
  readonly total: number;
}

interface Batch {
  readonly records: Array<{ key: Buffer; set: DvvSet }>;
  readonly bytes: number;
}

/**
 * The shell of partition transfer (decisions in transfer-plan.ts): every round it finds the
 * partitions this node holds but is not a primary of, advertises them (membership gossips the
 * set, so read coordinators ask this node too), and pushes batches to their primaries, one batch
 * in flight per target, each batch paid for from the shared BackgroundBudget. After each batch
 * every target acknowledged, the records unchanged since they were read are dropped and the
 * cursor moves, in one store group. A leaving node that holds nothing (and no hints) more is
 * marked removed and says it is safe to stop.
 */
export class PartitionTransfer {
  readonly #o: PartitionTransferOptions;
  #timer: TimerHandle | undefined;
  #stopped = true;
  #plan: Handoff[] = [];
  #primaries: { owners: readonly string[]; byPartition: ReadonlyArray<readonly string[]> } | undefined;
  readonly #busy = new Set<string>();
  readonly #progress = new Map<number, TransferProgress>();
  #lastPartition = -1;
  #recordsSent = 0;
  #recordsDropped = 0;
  #batchesFailed = 0;
  #completed = 0;

  constructor(options: PartitionTransferOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer?.cancel();
    this.#stopped = false;
    this.#timer = this.#o.clock.setInterval(this.#o.intervalMs, () => this.round());
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  /** Partitions being handed off now, with their progress. */
  transfers(): readonly TransferProgress[] {
    return [...this.#progress.values()];
  }

  get stats(): { partitions: number; recordsSent: number; recordsDropped: number; batchesFailed: number; partitionsCompleted: number } {
    return { partitions: this.#plan.length, recordsSent: this.#recordsSent, recordsDropped: this.#recordsDropped, batchesFailed: this.#batchesFailed, partitionsCompleted: this.#completed };
  }

  /** Re-plan, advertise, finish a leave if there is nothing left, and start what batches may go. */
  round(): void {
    try {
      this.#replan();
      this.#pump();
    } catch (err) {
      // A closed or failing store: nothing was dropped that was not acknowledged; try next round.
      this.#o.logger.warn({ err: (err as Error).message }, 'partition transfer round failed');
    }
  }

  #replan(): void {
    const { view, replica, membership } = this.#o;
    const owners = view.owners();
    if (this.#primaries?.owners !== owners) this.#primaries = { owners, byPartition: primariesByPartition(owners, this.#o.n) };
    const byPartition = this.#primaries.byPartition;
    const held = byPartition.map((_, p) => p).filter((p) => !byPartition[p]!.includes(view.selfId) && this.#holdsRecords(p));
    this.#plan = planHandoffs(view.selfId, byPartition, held);
    const planned = new Set(this.#plan.map((h) => h.partition));
    for (const [partition, progress] of this.#progress) {
      if (planned.has(partition)) continue;
      this.#progress.delete(partition);
      this.#o.store.delete('meta', transferCursorKey(partition));
      if (!this.#holdsRecords(partition)) {
        this.#completed++;
        this.#o.logger.info({ partition, to: progress.targets, records: progress.dropped }, 'partition handed off');
      }
    }
    for (const h of this.#plan) {
      const progress = this.#progress.get(h.partition);
      if (progress === undefined || progress.targets.join() !== h.targets.join()) {
        this.#progress.set(h.partition, { partition: h.partition, targets: h.targets, sent: 0, dropped: 0, total: this.#countRecords(h.partition) });
      }
    }
    membership.setHandoff(this.#plan.map((h) => h.partition));
    if (leaveComplete(membership.status, this.#plan, [...this.#o.hints.pending().values()].reduce((a, b) => a + b, 0))) {
      membership.completeLeave();
      this.#o.logger.info({ liveKeys: replica.liveKeys }, 'handoff complete, safe to stop');
    }
  }

  #pumpSafely(): void {
    try {
      this.#pump();
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'partition transfer failed');
    }
  }

  /** Start a batch for every hand-off whose targets are free, while the budget allows. */
  #pump(): void {
    // Each hand-off is looked at most once per pump: one whose pass just ended yields no batch.
    for (let tries = 0; tries < this.#plan.length && !this.#stopped; tries++) {
      const handoff = nextHandoff(this.#plan, this.#lastPartition, (node) => this.#o.view.isUsable(node), this.#busy);
      if (handoff === undefined) return;
      this.#lastPartition = handoff.partition;
      const batch = this.#nextBatch(handoff.partition);
      if (batch === undefined) continue;
      if (!this.#o.budget.tryTake(this.#o.clock.monotonicMs(), batch.records.length)) return;
      for (const target of handoff.targets) this.#busy.add(target);
      let sent = false;
      void this.#send(handoff, batch)
        .then(() => (sent = true))
        .catch((err: unknown) => this.#o.logger.warn({ partition: handoff.partition, err: (err as Error).message }, 'transfer batch failed'))
        .finally(() => {
          for (const target of handoff.targets) this.#busy.delete(target);
          // Keep going at the pace the budget allows, yielding to clients between batches. A
          // failed batch waits for the next round instead of being resent at once.
          if (sent && !this.#stopped) this.#o.clock.defer(() => this.#pumpSafely());
        });
    }
  }

  /** The records after the cursor, cut by the limits; undefined when the pass ended (maybe restarting it). */
  #nextBatch(partition: number): Batch | undefined {
    const cursor = this.#o.store.get('meta', transferCursorKey(partition));
    const records: Batch['records'] = [];
    let bytes = 0;
    this.#o.store.scan('data', partitionDataRange(partition, cursor), (storeKey, value) => {
      if (!fitsInBatch(records.length, bytes, value.length, this.#o.limits)) return false;
      records.push({ key: Buffer.from(userKeyOfDataKey(storeKey)), set: decodeRecord(value) });
      bytes += value.length;
      return true;
    });
    if (records.length > 0) return { records, bytes };
    if (cursor !== undefined && afterPassEnd(this.#holdsRecords(partition)) === 'restart') {
      // Records before the cursor changed while in flight: the next pass sends them again.
      this.#o.store.delete('meta', transferCursorKey(partition));
    }
    return undefined;
  }

  async #send(handoff: Handoff, batch: Batch): Promise<void> {
    const { partition, targets } = handoff;
    const results = await Promise.allSettled(targets.map((target) => this.#o.replicas.transfer(target, partition, batch.records)));
    const acked = new Set(targets.filter((_, i) => results[i]!.status === 'fulfilled'));
    const progress = this.#progress.get(partition);
    if (progress) progress.sent += batch.records.length;
    this.#recordsSent += batch.records.length;
    if (!batchAcknowledged(targets, acked)) {
      this.#batchesFailed++;
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${targets[i]}: ${(r.reason as Error).message}`] : []));
      this.#o.logger.debug({ partition, failed }, 'transfer batch not acknowledged by every target; retried later');
      return;
    }
    if (this.#stopped) return;
    // Targets may have changed while the batch was in flight: only the current ones count.
    const current = this.#plan.find((h) => h.partition === partition);
    if (current === undefined || current.targets.some((t) => !acked.has(t))) return;
    const { replica, store } = this.#o;
    const drop = droppable(batch.records, ({ key, set }) => equalSets(replica.read(partition, key), set));
    for (const { key, set } of drop) replica.write(partition, key, set, EMPTY_DVVSET);
    const cursor = advanceCursor(store.get('meta', transferCursorKey(partition)), batch.records[batch.records.length - 1]!.key);
    store.put('meta', transferCursorKey(partition), cursor);
    try {
      await replica.commit();
    } catch (err) {
      this.#o.logger.warn({ partition, err: (err as Error).message }, 'transfer drop not committed; the batch goes again');
      return;
    }
    if (progress) progress.dropped += drop.length;
    this.#recordsDropped += drop.length;
  }

  #holdsRecords(partition: number): boolean {
    let found = false;
    this.#o.store.scan('data', partitionDataRange(partition), () => {
      found = true;
      return false;
    });
    return found;
  }

  #countRecords(partition: number): number {
    let count = 0;
    this.#o.store.scan('data', partitionDataRange(partition), () => {
      count++;
      return true;
    });
    return count;
  }
}
