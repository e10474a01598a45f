import { ReplyError } from '../lib/errors';
import type { PreflistEntry } from '../ring/preference-list';
import { PeerError, Transport } from '../peer/transport';
import type { ReplicaWriteItem, ResponseBody } from '../peer/bodies';
import type { Clock } from '../lib/clock';
import { ReplicaWriteBatches, type WriteDone } from './replica-write-batches';
import { DvvSet, EMPTY_DVVSET } from '../versioning/dvvset';
import { dropFlushed } from '../versioning/flush';
import { decodeRecord, encodeRecord } from '../versioning/record-codec';
import type { ClusterView } from './cluster-view';

/** The protocol version that added ReplicaWriteBatch (proto/peer.proto). */
const REPLICA_WRITE_BATCH_VERSION = 3;

/** Why a replica did not answer: the coordinator counts it as a failure and moves on. */
export class ReplicaUnavailableError extends Error {
  override name = 'ReplicaUnavailableError';
  /**
   * Whether the request may have reached the peer (timeout, connection closed, protocol error):
   * then the peer may have applied it, and a write must not be retried elsewhere.
   */
  readonly maybeApplied: boolean;

  constructor(message: string, maybeApplied: boolean) {
    super(message);
    this.maybeApplied = maybeApplied;
  }
}

/** What the replica client needs of the node's FLUSHALL generation (FlushGenerations). */
export interface FlushGenerationView {
  readonly current: number;
  observe(generation: number | undefined): boolean;
}

const NO_FLUSHES: FlushGenerationView = { current: 0, observe: () => false };

/** A replica knows a newer FLUSHALL than the write it was sent: the write did not count there. */
export class StaleFlushGenerationError extends ReplicaUnavailableError {
  override name = 'StaleFlushGenerationError';
}

/**
 * Reads and writes one remote replica of a key over the transport. Every request carries this
 * node's FLUSHALL generation and every reply the peer's, so a flush spreads with the traffic.
 */
export class ReplicaClient {
  readonly #transport: Transport;
  readonly #view: ClusterView;
  readonly #timeoutMs: number;
  readonly #flush: FlushGenerationView;
  readonly #batches: ReplicaWriteBatches | undefined;

  /** Without a clock every write is sent alone. */
  constructor(transport: Transport, view: ClusterView, timeoutMs: number, flush: FlushGenerationView = NO_FLUSHES, clock?: Clock) {
    this.#transport = transport;
    this.#view = view;
    this.#timeoutMs = timeoutMs;
    this.#flush = flush;
    this.#batches =
      clock &&
      new ReplicaWriteBatches({
        clock,
        acceptsBatches: (node) => this.#acceptsBatches(node),
        sendOne: (node, write) => this.#writeOne(node, write),
        sendBatch: (node, writes) => this.#writeBatch(node, writes),
      });
  }

  /**
   * A replica's record, less versions older than the newest flush either side knows. `likely` is
   * what the replica probably holds (this node's own copy): when the reply's bytes are that set's
   * bytes, that very set is the answer, not decoded again. Replicas in sync are the common case,
   * and a quorum of identical set objects needs no merge and no repair (replica-reads.ts).
   */
  read(target: PreflistEntry, partition: number, key: Buffer, likely?: DvvSet): Promise<DvvSet> {
    // .then rather than async/await here and in write: one promise per request instead of a
    // suspended frame per level (every replica read and write goes through these).
    return this.#request(target.node, { kind: 'replicaRead', key, partition, hintFor: target.standsInFor ?? '', flushGeneration: this.#flush.current }, (response) => {
      if (response.kind !== 'replicaReadReply') throw unexpected(target.node, response);
      this.#flush.observe(response.flushGeneration);
      if (!response.found) return EMPTY_DVVSET;
      const set = likely !== undefined && likely.entries.length > 0 && response.record.equals(encodeRecord(likely)) ? likely : decodeRecord(response.record);
      return dropFlushed(set, this.#flush.current);
    });
  }

  /**
   * Merge `set` into a replica. Rejects with StaleFlushGenerationError when the replica knew a
   * newer flush than this node did when it sent the write: the replica dropped the write's versions.
   * With a clock, writes to one peer in one turn travel as one batch (replica-write-batches.ts).
   */
  write(target: PreflistEntry, partition: number, key: Buffer, set: DvvSet): Promise<void> {
    return new Promise((resolve, reject) => this.writeThen(target, partition, key, set, (error) => (error === undefined ? resolve() : reject(error))));
  }

  /** write() with a callback: `done` gets undefined once the replica stored it, else the error. */
  writeThen(target: PreflistEntry, partition: number, key: Buffer, set: DvvSet, done: WriteDone): void {
    const write: ReplicaWriteItem = { key, partition, record: encodeRecord(set), hintFor: target.standsInFor ?? '', flushGeneration: this.#flush.current };
    if (this.#batches !== undefined) this.#batches.add(target.node, write, done);
    else this.#writeOne(target.node, write).then(() => done(undefined), (error: unknown) => done(error ?? new Error('replica write failed')));
  }

  #writeOne(node: string, write: ReplicaWriteItem): Promise<void> {
    // Fields spelled out: a spread takes V8's slow object-clone path.
    const body = { kind: 'replicaWrite' as const, key: write.key, partition: write.partition, record: write.record, hintFor: write.hintFor, flushGeneration: write.flushGeneration };
    return this.#request(node, body, (response) => {
      if (response.kind !== 'replicaWriteReply') throw unexpected(node, response);
      this.#flush.observe(response.flushGeneration);
      const stale = staleWrite(node, write, response.flushGeneration);
      if (stale) throw stale;
    });
  }

  #writeBatch(node: string, writes: ReplicaWriteItem[]): Promise<ReadonlyArray<Error | undefined>> {
    return this.#request(node, { kind: 'replicaWriteBatch', writes }, (response) => {
      if (response.kind !== 'replicaWriteBatchReply') throw unexpected(node, response);
      // The peer broke the protocol; it may have stored any of them.
      if (response.outcomes.length !== writes.length) throw new ReplicaUnavailableError(`${node} answered ${response.outcomes.length} outcomes to ${writes.length} writes`, true);
      this.#flush.observe(response.flushGeneration);
      return writes.map((write, i) => {
        const error = response.outcomes[i]!.error;
        // The peer answered: what it did not store, it says so (as unexpected() for a lone write).
        if (error !== undefined) return new ReplicaUnavailableError(`${node} answered ${error.code} ${error.message}`, false);
        return staleWrite(node, write, response.flushGeneration);
      });
    });
  }

  /** Whether `node`'s connection is at a version that knows ReplicaWriteBatch. */
  #acceptsBatches(node: string): boolean {
    const address = this.#view.addressOf(node);
    return address !== undefined && (this.#transport.versionWith?.(address) ?? 0) >= REPLICA_WRITE_BATCH_VERSION;
  }

  /** Ask `node` to adopt FLUSHALL `generation`: the generation it then holds, and whether it adopted this one. */
  flushAll(node: string, generation: number): Promise<{ generation: number; adopted: boolean }> {
    return this.#request(node, { kind: 'flushAll', generation }, (response) => {
      if (response.kind !== 'flushAllReply') throw unexpected(node, response);
      return { generation: response.generation, adopted: response.adopted };
    });
  }

  /** Push records of `partition` to `node` (partition transfer); resolves once they are durable there. */
  transfer(node: string, partition: number, records: ReadonlyArray<{ key: Buffer; set: DvvSet }>): Promise<number> {
    const body = { kind: 'transferBatch' as const, partition, records: records.map(({ key, set }) => ({ key, record: encodeRecord(set) })) };
    return this.#request(node, body, (response) => {
      if (response.kind !== 'transferBatchReply') throw unexpected(node, response);
      return response.merged;
    });
  }

  /** Hand a write to `node` to coordinate; its ReplyErrors come back as ReplyErrors. */
  forward(node: string, key: Buffer, mutation: Buffer, w: number | undefined): Promise<{ result: Buffer; context: Buffer }> {
    return this.#request(node, { kind: 'forwardMutation', key, mutation, w }, (response) => {
      if (response.kind === 'errorReply' && response.code === 'REPLY') throw new ReplyError(response.message);
      if (response.kind !== 'forwardMutationReply') throw unexpected(node, response);
      return { result: response.result, context: response.context };
    });
  }

  /** Send `body` to `node`; `onResponse` maps the response (one promise per request), transport failures become ReplicaUnavailableError. */
  #request<T>(node: string, body: Parameters<Transport['request']>[1], onResponse: (response: ResponseBody) => T): Promise<T> {
    const address = this.#view.addressOf(node);
    if (!address) return Promise.reject(new ReplicaUnavailableError(`${node} has no known address`, false));
    let response: Promise<ResponseBody>;
    try {
      response = this.#transport.request(address, body, this.#timeoutMs);
    } catch (err) {
      response = Promise.reject(err);
    }
    return response.then(onResponse, (err: unknown) => {
      if (err instanceof PeerError) throw new ReplicaUnavailableError(`${node}: ${err.message}`, err.code !== 'UNREACHABLE' && err.code !== 'REFUSED');
      throw err;
    });
  }
}

/** The error of a write the replica stored, if it knew a newer FLUSHALL than the write's: it dropped the write's versions. */
function staleWrite(node: string, write: ReplicaWriteItem, replicaGeneration: number | undefined): StaleFlushGenerationError | undefined {
  if ((replicaGeneration ?? 0) <= (write.flushGeneration ?? 0)) return undefined;
  return new StaleFlushGenerationError(`${node} knows FLUSHALL generation ${replicaGeneration ?? 0}, the write was of generation ${write.flushGeneration ?? 0}`, false);
}

function unexpected(node: string, response: ResponseBody): ReplicaUnavailableError {
  const detail = response.kind === 'errorReply' ? `${response.code} ${response.message}` : response.kind;
  // The peer answered: it says what it did not do, so the request was not applied.
  return new ReplicaUnavailableError(`${node} answered ${detail}`, false);
}
