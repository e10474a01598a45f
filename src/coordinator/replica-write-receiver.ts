/**
 * A replica taking the writes coordinators send it: one ReplicaWrite, or a ReplicaWriteBatch
 * (protocol version 3). Each write is checked (its key in its partition, a record that decodes,
 * valid payloads) and merged into this node's replica, or into its hints for the node it stands
 * in for; the answer waits for the commit.
 *
 * The writes of a batch to one key (a hot key: every SET a coordinator took in one turn) are
 * merged first and staged once. DVV sync is associative and commutative, so staging their merge
 * leaves the replica exactly as staging each in turn would, for one decode and sync each instead
 * of a full write (encode, digest, store put) each.
 */
import { validatePayloads } from '../datatypes/codec';
import { NO_BREAKS } from '../lib/breaks';
import type { ErrorReply, ReplicaWriteBatch, ReplicaWriteItem, ReplicaWriteOutcome, ResponseBody } from '../peer/bodies';
import { DvvSet, equalSets, sync } from '../versioning/dvvset';
import { InvalidRecordError, decodeRecord } from '../versioning/record-codec';
import type { LocalReplica } from '../replica/local-replica';
import type { PeerRequestHandlerDeps } from './peer-request-handler';

/** A write batch longer than this is refused as BAD_REQUEST (REPLICA_WRITE_BATCH_MAX is what senders use). */
export const REPLICA_WRITE_BATCH_RECEIVED_MAX = 1024;

/** One ReplicaWrite: staged now, answered once committed. Throws what the request fails with. */
export function receiveReplicaWrite(deps: PeerRequestHandlerDeps, write: ReplicaWriteItem): Promise<ResponseBody> {
  stage(deps, write.partition, write.key, write.hintFor, checkedIncoming(deps, write));
  return deps.replica.commit().then(() => ({ kind: 'replicaWriteReply', flushGeneration: deps.flush.current }));
}

/** The writes of one key (and one hint target) in a batch: their merge, and where each stands. */
interface KeyWrites {
  readonly write: ReplicaWriteItem;
  incoming: DvvSet;
  readonly indices: number[];
}

/**
 * Every write of a batch as if it came alone: one that fails its checks gets the ErrorReply it
 * would have got; the others, merged per key, the outcome of the group their merge was staged
 * in. A merge's group is taken right after staging it: a later write refused by the store
 * abandons the pending group, and what was staged in it before fails with it.
 */
export function receiveWriteBatch(deps: PeerRequestHandlerDeps, body: ReplicaWriteBatch, toErrorReply: (err: unknown) => ErrorReply): Promise<ResponseBody> {
  const { writes } = body;
  if (writes.length > REPLICA_WRITE_BATCH_RECEIVED_MAX) throw new InvalidRecordError(`write batch of ${writes.length} writes, max ${REPLICA_WRITE_BATCH_RECEIVED_MAX}`);
  const outcomes: ReplicaWriteOutcome[] = new Array(writes.length);
  const failed = (i: number, err: unknown) => {
    const reply = toErrorReply(err);
    outcomes[i] = { error: { code: reply.code, message: reply.message } };
  };
  // By key (the partition follows from it, checked below); hints apart, by target and key.
  const byKey = new Map<string, KeyWrites>();
  const hintsByKey = new Map<string, KeyWrites>();
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i]!;
    let incoming: DvvSet;
    try {
      incoming = checkedIncoming(deps, write);
    } catch (err) {
      failed(i, err);
      continue;
    }
    const keys = write.hintFor ? hintsByKey : byKey;
    const id = write.hintFor ? `${write.hintFor.length}:${write.hintFor}${write.key.toString('latin1')}` : write.key.toString('latin1');
    const same = keys.get(id);
    if (same === undefined) keys.set(id, { write, incoming, indices: [i] });
    else {
      same.incoming = sync(same.incoming, incoming);
      same.indices.push(i);
    }
  }
  // Distinct commit promises (usually one), and the index into them of each staged write.
  const groups: Promise<void>[] = [];
  const groupOf: number[] = new Array(writes.length).fill(-1);
  for (const { write, incoming, indices } of [...byKey.values(), ...hintsByKey.values()]) {
    try {
      stage(deps, write.partition, write.key, write.hintFor, incoming);
    } catch (err) {
      for (const i of indices) failed(i, err);
      continue;
    }
    const committed = deps.replica.commit();
    let group = groups.lastIndexOf(committed);
    if (group === -1) group = groups.push(committed) - 1;
    for (const i of indices) groupOf[i] = group;
  }
  return Promise.allSettled(groups).then((results) => {
    for (let i = 0; i < writes.length; i++) {
      const group = groupOf[i]!;
      if (group === -1) continue;
      const result = results[group]!;
      if (result.status === 'fulfilled') outcomes[i] = STORED;
      else failed(i, result.reason);
    }
    return { kind: 'replicaWriteBatchReply', outcomes, flushGeneration: deps.flush.current };
  });
}

const STORED: ReplicaWriteOutcome = {};

/** A request naming a key's partition must name the key's own (BAD_REQUEST otherwise). */
export function checkPartition(replica: LocalReplica, key: Buffer, partition: number): void {
  if (replica.partitionOf(key) !== partition) throw new InvalidRecordError(`key does not belong to partition ${partition}`);
}

/** The write's record, decoded and checked; its flush generation learnt. */
function checkedIncoming(deps: PeerRequestHandlerDeps, write: ReplicaWriteItem): DvvSet {
  checkPartition(deps.replica, write.key, write.partition);
  deps.flush.observe(write.flushGeneration);
  const incoming = decodeRecord(write.record);
  validatePayloads(incoming.entries.flatMap((entry) => entry.versions));
  return incoming;
}

/** Merge `incoming` into this node's replica of the key, or its hints for `hintFor`; staged, not committed. */
function stage(deps: PeerRequestHandlerDeps, partition: number, keyView: Buffer, hintFor: string, incoming: DvvSet): void {
  const { replica, hints } = deps;
  // The key arrived as a view into the frame: copy what is kept.
  const key = Buffer.from(keyView);
  const breaks = deps.breaks ?? NO_BREAKS;
  if (hintFor) {
    if (!breaks.has('skip-hint-storage')) hints.add(hintFor, partition, key, incoming);
    return;
  }
  const current = replica.read(partition, key);
  // Break 'clock-merge-loses-entry': the incoming record's first actor entry is dropped.
  const next = sync(current, breaks.has('clock-merge-loses-entry') ? { entries: incoming.entries.slice(1) } : incoming);
  if (!equalSets(current, next)) replica.write(partition, key, current, next);
}
