import { Clock } from '../lib/clock';
import type { AeKeyDigestEntry, AeRequestBody, AeResponseBody, ErrorReply } from '../peer/bodies';
import { LocalReplica } from '../replica/local-replica';
import { isReapable } from '../replica/record-schedule';
import { decodeRecord, encodeRecord } from '../versioning/record-codec';
import { LEAF_LEVEL, SEGMENT_COUNT, isValidNode, nodeHashes, recordDigest } from './merkle-tree';

/** Keys one AeKeysReply lists at most (whole segments; a single larger segment still goes whole). */
export const AE_KEYS_LIST_MAX = 4096;
/** Segments one AeKeysRequest may name: bounds what the responder collects before trimming. */
export const AE_LIST_SEGMENTS_MAX = 64;
/** Records one AeFetchRequest may ask for. */
export const AE_FETCH_KEYS_MAX = 256;

export interface ExchangeResponderOptions {
  readonly replica: LocalReplica;
  readonly clock: Clock;
}

/**
 * The answering side of the Merkle exchange: tree hashes, the keys of segments with their record
 * digests, and records. Read-only: repairs arrive as ordinary ReplicaWrites. Requests outside the
 * limits above, or naming another tree layout, a partition or node that does not exist, are
 * answered BAD_REQUEST.
 */
export function createExchangeResponder(o: ExchangeResponderOptions): (from: string, body: AeRequestBody) => AeResponseBody | ErrorReply {
  const { replica } = o;
  return (_from, body) => {
    if (!Number.isInteger(body.partition) || body.partition >= replica.partitionCount) return badRequest(`no partition ${body.partition}`);
    switch (body.kind) {
      case 'aeTreeRequest': {
        if (body.segmentCount !== SEGMENT_COUNT) return badRequest(`tree layout of ${body.segmentCount} segments, this node uses ${SEGMENT_COUNT}`);
        if (body.indices.length > SEGMENT_COUNT || !body.indices.every((index) => isValidNode(body.level, index))) return badRequest('bad tree nodes');
        const hashes = nodeHashes(replica.trees.segments(body.partition), body.level, body.indices);
        return { kind: 'aeTreeReply', hashes: Buffer.concat(hashes) };
      }
      case 'aeKeysRequest': {
        if (body.segmentCount !== SEGMENT_COUNT) return badRequest(`tree layout of ${body.segmentCount} segments, this node uses ${SEGMENT_COUNT}`);
        if (body.segments.length === 0 || body.segments.length > AE_LIST_SEGMENTS_MAX) return badRequest(`1..${AE_LIST_SEGMENTS_MAX} segments per request`);
        if (!body.segments.every((segment) => isValidNode(LEAF_LEVEL, segment)) || new Set(body.segments).size !== body.segments.length) {
          return badRequest('bad segments');
        }
        return listKeys(replica, body.partition, body.segments, Math.max(1, Math.min(body.keysMax, AE_KEYS_LIST_MAX)), o.clock.nowMs());
      }
      case 'aeFetchRequest': {
        if (body.keys.length > AE_FETCH_KEYS_MAX) return badRequest(`at most ${AE_FETCH_KEYS_MAX} keys per fetch`);
        if (!body.keys.every((key) => key.length > 0 && replica.partitionOf(key) === body.partition)) {
          return badRequest(`a key does not belong to partition ${body.partition}`);
        }
        const records = body.keys.map((key) => {
          const set = replica.read(body.partition, key);
          return set.entries.length === 0 ? Buffer.alloc(0) : encodeRecord(set);
        });
        return { kind: 'aeFetchReply', records };
      }
    }
  };
}

/** Whole segments, in the order asked, while the total stays within `keysMax` (the first always). */
function listKeys(replica: LocalReplica, partition: number, segments: readonly number[], keysMax: number, nowMs: number): AeResponseBody {
  const bySegment = new Map<number, AeKeyDigestEntry[]>(segments.map((segment) => [segment, []]));
  replica.trees.forEachInSegments(partition, new Set(segments), (key, record, segment) => {
    bySegment.get(segment)!.push({ key: Buffer.from(key), digest: recordDigest(key, record), reapable: reapable(record, nowMs, replica.tombstoneGraceMs) });
  });
  const listed: number[] = [];
  const entries: AeKeyDigestEntry[] = [];
  for (const segment of segments) {
    const keys = bySegment.get(segment)!;
    if (listed.length > 0 && entries.length + keys.length > keysMax) break;
    listed.push(segment);
    entries.push(...keys);
  }
  return { kind: 'aeKeysReply', segments: listed, entries };
}

/** A record that does not decode is not reapable: it is listed, and the fetch will say more. */
function reapable(record: Buffer, nowMs: number, graceMs: number): boolean {
  try {
    return isReapable(decodeRecord(record), nowMs, graceMs);
  } catch {
    return false;
  }
}

function badRequest(message: string): ErrorReply {
  return { kind: 'errorReply', code: 'BAD_REQUEST', message };
}
