import type { ClusterView } from '../coordinator/cluster-view';
import { Clock } from '../lib/clock';
import { Logger } from '../lib/log';
import { BackgroundBudget } from '../overload/background-budget';
import type { RequestBody, ResponseBody } from '../peer/bodies';
import { PeerError, Transport } from '../peer/transport';
import { LocalReplica } from '../replica/local-replica';
import { DvvSet, EMPTY_DVVSET } from '../versioning/dvvset';
import { validatePayloads } from '../datatypes/codec';
import { InvalidRecordError, decodeRecord, encodeRecord } from '../versioning/record-codec';
import { AE_FETCH_KEYS_MAX, AE_KEYS_LIST_MAX, AE_LIST_SEGMENTS_MAX } from './exchange-responder';
import { DIGEST_BYTES, KeyDigest, LEAF_LEVEL, SEGMENT_COUNT, diffKeyDigests, differingNodes, nextCandidates, nodeHashes, recordDigest } from './merkle-tree';
import { repairDecision } from './repair-decision';

/** Keys repaired (pushed or pulled) in one exchange at most; the rest waits for the next cycle. */
export const AE_REPAIR_KEYS_MAX = 512;

export interface ExchangeOptions {
  readonly replica: LocalReplica;
  readonly transport: Transport;
  readonly view: ClusterView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Shared with the other background loops: every batch of records takes from it first. */
  readonly budget: BackgroundBudget;
  readonly requestTimeoutMs: number;
  readonly repairKeysMax: number;
}

/**
 * How an exchange ended: 'equal' (roots agreed), 'repaired' (every difference found was
 * repaired), 'partial' (some left: the repair limit, the budget, or a failed push), 'failed' (the
 * peer could not be asked). Counts are keys.
 */
export interface ExchangeResult {
  readonly outcome: 'equal' | 'repaired' | 'partial' | 'failed';
  readonly segmentsDiffering: number;
  readonly keysPulled: number;
  readonly keysPushed: number;
}

class ExchangeAborted extends Error {}

/**
 * One Merkle exchange of one partition with one peer (the initiating side): compare the trees
 * top-down (root, then the children of differing nodes, down to segments), list the keys of the
 * differing segments on both sides, and repair only the keys that differ, both ways: pull the
 * peer's record and sync it in through LocalReplica.write, push the merge with a ReplicaWrite
 * (which the peer syncs in). What crosses the network is a few hashes per differing branch plus
 * the differing segments' key lists and records: it grows with the difference, not the data.
 */
export class AntiEntropyExchange {
  readonly #o: ExchangeOptions;

  constructor(options: ExchangeOptions) {
    this.#o = options;
  }

  async run(partition: number, peer: string): Promise<ExchangeResult> {
    const counts = { keysPulled: 0, keysPushed: 0 };
    let segments: number[] = [];
    try {
      segments = await this.#differingSegments(partition, peer);
      if (segments.length === 0) return { outcome: 'equal', segmentsDiffering: 0, ...counts };
      const complete = await this.#repairSegments(partition, peer, segments, counts);
      return { outcome: complete ? 'repaired' : 'partial', segmentsDiffering: segments.length, ...counts };
    } catch (err) {
      if (!(err instanceof ExchangeAborted || err instanceof PeerError || err instanceof InvalidRecordError)) throw err;
      this.#o.logger.debug({ partition, peer, err: err.message }, 'anti-entropy exchange stopped');
      return { outcome: segments.length === 0 && counts.keysPulled + counts.keysPushed === 0 ? 'failed' : 'partial', segmentsDiffering: segments.length, ...counts };
    }
  }

  /** Root, then the children of differing nodes, level by level: the segments that differ. */
  async #differingSegments(partition: number, peer: string): Promise<number[]> {
    let candidates = [0];
    for (let level = 0; ; level++) {
      const reply = await this.#request(peer, { kind: 'aeTreeRequest', partition, level, indices: candidates, segmentCount: SEGMENT_COUNT });
      if (reply.kind !== 'aeTreeReply' || reply.hashes.length !== candidates.length * DIGEST_BYTES) throw unexpected(peer, reply);
      const theirs = candidates.map((_, i) => reply.hashes.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES));
      // Our side is read after theirs arrived: writes meanwhile only make a few nodes look different.
      const mine = nodeHashes(this.#o.replica.trees.segments(partition), level, candidates);
      const differing = differingNodes(candidates, mine, theirs);
      if (level === LEAF_LEVEL || differing.length === 0) return differing;
      candidates = nextCandidates(level, differing);
    }
  }

  /** Returns whether every difference found was repaired. */
  async #repairSegments(partition: number, peer: string, segments: number[], counts: { keysPulled: number; keysPushed: number }): Promise<boolean> {
    let pending = segments;
    while (pending.length > 0) {
      const asked = pending.slice(0, AE_LIST_SEGMENTS_MAX);
      const reply = await this.#request(peer, { kind: 'aeKeysRequest', partition, segments: asked, keysMax: AE_KEYS_LIST_MAX, segmentCount: SEGMENT_COUNT });
      if (reply.kind !== 'aeKeysReply' || reply.segments.length === 0 || !reply.segments.every((s, i) => s === asked[i])) throw unexpected(peer, reply);
      const listed = new Set(reply.segments);
      pending = pending.slice(listed.size);
      const difference = diffKeyDigests(this.#localDigests(partition, listed), reply.entries);
      // Keys to look at: differing ones, and one-sided ones whose holder says they are not dead for good.
      const keys = [
        ...difference.differing,
        ...difference.remoteOnly.filter((entry) => !entry.reapable).map((entry) => entry.key),
        ...difference.localOnly.map((entry) => entry.key),
      ];
      const room = this.#o.repairKeysMax - counts.keysPulled - counts.keysPushed;
      const batch = keys.slice(0, Math.max(0, room));
      if (batch.length > 0 && !(await this.#repair(partition, peer, batch, new Set(difference.localOnly.map((e) => e.key.toString('latin1'))), counts))) return false;
      if (batch.length < keys.length) return false;
    }
    return true;
  }

  #localDigests(partition: number, segments: ReadonlySet<number>): KeyDigest[] {
    const out: KeyDigest[] = [];
    // Reapability matters only for what the peer lacks; repairDecision reads the record for that.
    this.#o.replica.trees.forEachInSegments(partition, segments, (key, record) => out.push({ key: Buffer.from(key), digest: recordDigest(key, record), reapable: false }));
    return out;
  }

  /** Repair `keys` (localOnly: those the peer lacks, so nothing to fetch). False when the budget said no. */
  async #repair(partition: number, peer: string, keys: readonly Buffer[], localOnly: ReadonlySet<string>, counts: { keysPulled: number; keysPushed: number }): Promise<boolean> {
    const { replica, clock } = this.#o;
    if (!this.#o.budget.tryTake(clock.monotonicMs(), keys.length)) return false;
    const remote = await this.#fetch(partition, peer, keys.filter((key) => !localOnly.has(key.toString('latin1'))));
    const nowMs = clock.nowMs();
    const pushes: Array<{ key: Buffer; set: DvvSet }> = [];
    let wrote = false;
    for (const key of keys) {
      const local = replica.read(partition, key);
      const decision = repairDecision(local, remote.get(key.toString('latin1')) ?? EMPTY_DVVSET, nowMs, replica.tombstoneGraceMs);
      if (decision.local) {
        replica.write(partition, key, local, decision.local);
        wrote = true;
        counts.keysPulled++;
      }
      if (decision.push) pushes.push({ key, set: decision.push });
    }
    if (wrote) await replica.commit();
    const results = await Promise.allSettled(
      pushes.map(({ key, set }) => this.#request(peer, { kind: 'replicaWrite', key, partition, record: encodeRecord(set), hintFor: '' })),
    );
    let allPushed = true;
    results.forEach((result) => {
      if (result.status === 'fulfilled' && result.value.kind === 'replicaWriteReply') counts.keysPushed++;
      else allPushed = false;
    });
    return allPushed;
  }

  /** The peer's records of `keys`, in batches; absent keys are left out. */
  async #fetch(partition: number, peer: string, keys: readonly Buffer[]): Promise<Map<string, DvvSet>> {
    const records = new Map<string, DvvSet>();
    for (let start = 0; start < keys.length; start += AE_FETCH_KEYS_MAX) {
      const batch = keys.slice(start, start + AE_FETCH_KEYS_MAX);
      const reply = await this.#request(peer, { kind: 'aeFetchRequest', partition, keys: batch });
      if (reply.kind !== 'aeFetchReply' || reply.records.length !== batch.length) throw unexpected(peer, reply);
      reply.records.forEach((bytes, i) => {
        if (bytes.length === 0) return;
        const record = decodeRecord(Buffer.from(bytes));
        // A counter or set payload that does not decode is refused here, as on a replica write.
        validatePayloads(record.entries.flatMap((entry) => entry.versions));
        records.set(batch[i]!.toString('latin1'), record);
      });
    }
    return records;
  }

  async #request(peer: string, body: RequestBody): Promise<ResponseBody> {
    const address = this.#o.view.addressOf(peer);
    if (!address) throw new ExchangeAborted(`${peer} has no known address`);
    return this.#o.transport.request(address, body, this.#o.requestTimeoutMs);
  }
}

function unexpected(peer: string, reply: ResponseBody): ExchangeAborted {
  const detail = reply.kind === 'errorReply' ? `${reply.code} ${reply.message}` : `a malformed ${reply.kind}`;
  return new ExchangeAborted(`${peer} answered ${detail}`);
}
