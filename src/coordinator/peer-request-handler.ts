import { InvalidDataTypeError, validatePayloads } from '../datatypes/codec';
import { Breaks } from '../lib/breaks';
import { ReplyError } from '../lib/errors';
import { Logger } from '../lib/log';
import type { AeRequestBody, AeResponseBody, ErrorReply, RequestBody, ResponseBody } from '../peer/bodies';
import type { RequestHandler } from '../peer/transport';
import { HintLimitError, HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';
import { StorageError } from '../storage/store';
import { encodeContext } from '../versioning/context-codec';
import { DvvSet, equalSets, sync } from '../versioning/dvvset';
import { InvalidRecordError, decodeRecord, encodeRecord } from '../versioning/record-codec';
import type { ClusterCoordinator } from './cluster-coordinator';
import type { FlushGenerations } from './flush-generations';
import { InvalidMutationError, decodeMutation, encodeResult } from './mutation-codec';
import { checkPartition, receiveReplicaWrite, receiveWriteBatch } from './replica-write-receiver';

export interface PeerRequestHandlerDeps {
  readonly replica: LocalReplica;
  readonly hints: HintStore;
  readonly coordinator: ClusterCoordinator;
  readonly flush: FlushGenerations;
  /** Merge a peer's gossiped state and answer with ours. */
  readonly onGossip: (from: string, state: Buffer) => Buffer;
  /** Answer a peer's anti-entropy request (src/antientropy/exchange-responder.ts). */
  readonly onAntiEntropy: (from: string, body: AeRequestBody) => AeResponseBody | ErrorReply;
  readonly logger: Logger;
  /** Deliberate bugs for the simulator only (src/lib/breaks.ts); production leaves this unset. */
  readonly breaks?: Breaks;
  /** Whether this node is one of `partition`'s primaries in its view of the ring (transfers go only there). */
  readonly isPrimaryOf: (partition: number) => boolean;
  /** Counts records received by partition transfer (INFO). */
  readonly onTransferReceived?: (records: number, merged: number) => void;
}

/** A batch longer than this is refused as BAD_REQUEST (senders cut theirs far shorter). */
export const TRANSFER_RECORDS_RECEIVED_MAX = 1024;

/**
 * What a node does with each request from a peer. Bad input (a record or mutation that does not
 * decode, a key in the wrong partition) is answered BAD_REQUEST and logged with the peer's id; it
 * is never applied and never throws out of here.
 */
export function createPeerRequestHandler(deps: PeerRequestHandlerDeps): RequestHandler {
  return (from, body) => {
    let answer: ResponseBody | Promise<ResponseBody>;
    try {
      answer = handle(deps, from, body);
    } catch (err) {
      return failureReply(deps, from, body, err);
    }
    return answer instanceof Promise ? answer.catch((err: unknown) => failureReply(deps, from, body, err)) : answer;
  };
}

/** The ErrorReply for a request that failed, by what failed. */
function failureReply(deps: PeerRequestHandlerDeps, from: string, body: RequestBody, err: unknown): ErrorReply {
  if (err instanceof ReplyError) return errorReply('REPLY', err.message);
  if (err instanceof InvalidRecordError || err instanceof InvalidMutationError || err instanceof InvalidDataTypeError) {
    deps.logger.warn({ peer: from, request: body.kind, err: err.message }, 'bad request from peer');
    return errorReply('BAD_REQUEST', err.message);
  }
  if (err instanceof StorageError || err instanceof HintLimitError) return errorReply('UNAVAILABLE', err.message);
  deps.logger.error({ peer: from, request: body.kind, err }, 'peer request failed');
  return errorReply('INTERNAL', (err as Error).message);
}

/**
 * The response, at once when nothing waits on a commit (reads, gossip, anti-entropy): no promise
 * and no microtask for the most frequent request, a replica read.
 */
function handle(deps: PeerRequestHandlerDeps, from: string, body: RequestBody): ResponseBody | Promise<ResponseBody> {
  const { replica, hints, flush } = deps;
  switch (body.kind) {
    case 'ping':
      return { kind: 'pong' };
    case 'gossipPush':
      flush.observe(body.flushGeneration);
      return { kind: 'gossipReply', state: deps.onGossip(from, body.state), flushGeneration: flush.current };
    case 'flushAll': {
      const adopted = flush.observe(body.generation);
      return replica.commit().then(() => ({ kind: 'flushAllReply', generation: flush.current, adopted }));
    }
    case 'replicaRead': {
      checkPartition(replica, body.key, body.partition);
      // A reader that knows a newer flush: adopt it first, so nothing flushed is answered.
      flush.observe(body.flushGeneration);
      let set: DvvSet = replica.read(body.partition, body.key);
      if (body.hintFor) set = sync(set, hints.read(body.hintFor, body.partition, body.key));
      return { kind: 'replicaReadReply', found: set.entries.length > 0, record: encodeRecord(set), flushGeneration: flush.current };
    }
    case 'replicaWrite':
      return receiveReplicaWrite(deps, body);
    case 'replicaWriteBatch':
      return receiveWriteBatch(deps, body, (err) => failureReply(deps, from, body, err));
    case 'forwardMutation': {
      const mutation = decodeMutation(body.mutation);
      return deps.coordinator
        .mutate(Buffer.from(body.key), mutation, { w: body.w, forwarded: true })
        .then(({ result, context }) => ({ kind: 'forwardMutationReply', result: encodeResult(result), context: Buffer.from(encodeContext(context)) }));
    }
    case 'aeTreeRequest':
    case 'aeKeysRequest':
    case 'aeFetchRequest':
      return deps.onAntiEntropy(from, body);
    case 'transferBatch':
      return receiveTransfer(deps, body);
  }
}

/**
 * A batch of a partition another node hands off: merge every record (DVV sync, so a batch sent
 * twice changes nothing the second time), commit, acknowledge. Refused unless this node is a
 * primary of the partition in its own view: the source drops what was acknowledged, so only a
 * node that will keep the records may take them (views that disagree agree again after gossip).
 */
async function receiveTransfer(deps: PeerRequestHandlerDeps, body: Extract<RequestBody, { kind: 'transferBatch' }>): Promise<ResponseBody> {
  const { replica } = deps;
  if (!deps.isPrimaryOf(body.partition)) return errorReply('UNAVAILABLE', `not a primary of partition ${body.partition} in this node's ring`);
  if (body.records.length > TRANSFER_RECORDS_RECEIVED_MAX) throw new InvalidRecordError(`transfer batch of ${body.records.length} records, max ${TRANSFER_RECORDS_RECEIVED_MAX}`);
  // Check the whole batch before applying any of it.
  const decoded = body.records.map(({ key, record }) => {
    checkPartition(replica, key, body.partition);
    const incoming = decodeRecord(record);
    validatePayloads(incoming.entries.flatMap((entry) => entry.versions));
    return { key: Buffer.from(key), incoming };
  });
  let merged = 0;
  for (const { key, incoming } of decoded) {
    const current = replica.read(body.partition, key);
    const next = sync(current, incoming);
    if (equalSets(current, next)) continue;
    replica.write(body.partition, key, current, next);
    merged++;
  }
  await replica.commit();
  deps.onTransferReceived?.(decoded.length, merged);
  return { kind: 'transferBatchReply', merged };
}

function errorReply(code: string, message: string): ErrorReply {
  return { kind: 'errorReply', code, message };
}
