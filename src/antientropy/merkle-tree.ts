/**
 * The shape and arithmetic of a partition's Merkle tree (pure: no store, no network).
 *
 * A partition's keys fall into SEGMENT_COUNT segments by a hash of the key alone. A segment's hash
 * is the XOR of `recordDigest(key, record bytes)` over the keys it holds, so a write changes it in
 * O(1) (XOR out the old digest, XOR in the new one) and the tree is never rebuilt while the node
 * runs (merkle-trees.ts builds it at a start that follows a crash); an absent
 * key contributes nothing, so an empty segment hashes to zero and is not stored. Upper levels are
 * computed on demand, each node the XOR of its FANOUT children:
 *
 *   level 0: the root (1 node)   level 1: FANOUT buckets   level 2: SEGMENT_COUNT segments
 *
 * Replicas holding the same records have the same tree, whatever order the writes came in (XOR
 * is commutative), because the digest hashes the record's canonical encoding (record-codec.ts:
 * entries sorted by actor, versions in dot order, so equal DVVSets give equal bytes). The whole
 * encoded record is hashed, not a list of its fields, so fields added later are covered.
 *
 * Why XOR and not a hash of the children: DESIGN.md (updates in O(1), no rebuild). The price is
 * that XOR is not collision resistant against someone who chooses the records; equal hashes of
 * unequal sets by accident need two 128-bit digests to cancel, which does not happen.
 */
import { md5 } from '../lib/md5';

/** Segments per partition: a differing key costs listing its segment (~keys/1024 of the partition). */
export const SEGMENT_COUNT = 1024;
/** Children per inner node: the root has FANOUT buckets, each bucket FANOUT segments. */
export const FANOUT = 32;
/** Levels, root first: 0 = root, 1 = buckets, 2 = segments. */
export const LEAF_LEVEL = 2;
/** MD5, as the ring uses: 128 bits so random collisions never happen; speed matters more than strength. */
export const DIGEST_BYTES = 16;

/** segment -> hash; a segment not in the map hashes to zero. */
export type SegmentHashes = ReadonlyMap<number, Buffer>;

/** What a replica holds for one key of a listed segment. */
export interface KeyDigest {
  readonly key: Buffer;
  readonly digest: Buffer;
  /** The record may be reaped (record-schedule.isReapable): it is never pushed or pulled onto an empty side. */
  readonly reapable: boolean;
}

export function zeroHash(): Buffer {
  return Buffer.alloc(DIGEST_BYTES);
}

export function isZeroHash(hash: Buffer): boolean {
  for (let i = 0; i < hash.length; i++) if (hash[i] !== 0) return false;
  return true;
}

/**
 * The segment of a key. Bytes 8-9 of MD5(key): the partition uses bytes 0-7, so keys of one
 * partition spread evenly over its segments.
 */
export function segmentOf(key: Buffer): number {
  return segmentOfHash(md5(key));
}

/** The segment of a key from its MD5 (`keyHash` in src/ring/partition.ts), for callers that already hold it. */
export function segmentOfHash(keyMd5: Buffer): number {
  return keyMd5.readUInt16BE(8) % SEGMENT_COUNT;
}

/** recordDigest's length prefix; md5 copies its input at once, so one buffer serves every call. */
const KEY_LENGTH = Buffer.alloc(4);

/** The digest of one key holding one encoded record; the key length keeps key/record boundaries apart. */
export function recordDigest(key: Buffer, record: Buffer): Buffer {
  KEY_LENGTH.writeUInt32BE(key.length, 0);
  return md5(KEY_LENGTH, key, record);
}

/** target ^= source, in place. */
export function xorInto(target: Buffer, source: Buffer): void {
  for (let i = 0; i < DIGEST_BYTES; i++) target[i] ^= source[i]!;
}

/** Nodes at `level`. */
export function levelWidth(level: number): number {
  return level === 0 ? 1 : level === 1 ? FANOUT : SEGMENT_COUNT;
}

/** Whether `index` names a node at `level`. */
export function isValidNode(level: number, index: number): boolean {
  return Number.isInteger(level) && level >= 0 && level <= LEAF_LEVEL && Number.isInteger(index) && index >= 0 && index < levelWidth(level);
}

/** The node at `level` covering `segment`. */
function ancestorAt(level: number, segment: number): number {
  return level === 0 ? 0 : level === 1 ? Math.floor(segment / FANOUT) : segment;
}

/** The hash of each node of `level` named in `indices`, in that order. */
export function nodeHashes(segments: SegmentHashes, level: number, indices: readonly number[]): Buffer[] {
  const width = levelWidth(level);
  const hashes = new Array<Buffer | undefined>(width);
  for (const [segment, hash] of segments) {
    const node = ancestorAt(level, segment);
    const current = hashes[node];
    if (current === undefined) hashes[node] = Buffer.from(hash);
    else xorInto(current, hash);
  }
  return indices.map((index) => hashes[index] ?? zeroHash());
}

/** The children (at level + 1) of node `index` at `level`. */
export function childrenOf(level: number, index: number): number[] {
  // The root's children are the buckets 0..FANOUT-1, a bucket's its FANOUT segments.
  const first = level === 0 ? 0 : index * FANOUT;
  return Array.from({ length: FANOUT }, (_, i) => first + i);
}

/**
 * One step down the tree: of the nodes `indices` at `level`, those whose hashes differ between
 * `mine` and `theirs` (given in the order of `indices`); at the leaf level these are the
 * differing segments, above it their children are the next candidates.
 */
export function differingNodes(indices: readonly number[], mine: readonly Buffer[], theirs: readonly Buffer[]): number[] {
  return indices.filter((_, i) => !mine[i]!.equals(theirs[i]!));
}

/** The candidates of the next level down: the children of every differing node. */
export function nextCandidates(level: number, differing: readonly number[]): number[] {
  return differing.flatMap((index) => childrenOf(level, index));
}

/**
 * The segments whose hashes differ, found top-down as the exchange does (root, then the
 * children of differing nodes): what the network exchange computes, with both trees local.
 */
export function differingSegments(mine: SegmentHashes, theirs: SegmentHashes): number[] {
  let candidates = [0];
  for (let level = 0; ; level++) {
    const differing = differingNodes(candidates, nodeHashes(mine, level, candidates), nodeHashes(theirs, level, candidates));
    if (level === LEAF_LEVEL || differing.length === 0) return differing;
    candidates = nextCandidates(level, differing);
  }
}

/** Keys of listed segments that differ: held by one side only, or held by both with other digests. */
export interface KeyDifference {
  readonly localOnly: readonly KeyDigest[];
  readonly remoteOnly: readonly KeyDigest[];
  readonly differing: readonly Buffer[];
}

export function diffKeyDigests(local: readonly KeyDigest[], remote: readonly KeyDigest[]): KeyDifference {
  const theirs = new Map(remote.map((entry) => [entry.key.toString('latin1'), entry]));
  const localOnly: KeyDigest[] = [];
  const differing: Buffer[] = [];
  for (const entry of local) {
    const name = entry.key.toString('latin1');
    const other = theirs.get(name);
    if (other === undefined) localOnly.push(entry);
    else if (!other.digest.equals(entry.digest)) differing.push(entry.key);
    theirs.delete(name);
  }
  return { localOnly, remoteOnly: [...theirs.values()], differing };
}

/** Segment hashes from scratch (tests and the one-time build): what incremental upkeep must equal. */
export function buildSegments(records: Iterable<{ key: Buffer; record: Buffer }>): Map<number, Buffer> {
  const segments = new Map<number, Buffer>();
  for (const { key, record } of records) applyChange(segments, key, undefined, record);
  return segments;
}

/** Account for `key` going from `previous` to `next` record bytes (undefined = absent), in place. */
export function applyChange(segments: Map<number, Buffer>, key: Buffer, previous: Buffer | undefined, next: Buffer | undefined): void {
  const segment = segmentOf(key);
  const hash = segments.get(segment) ?? zeroHash();
  if (previous !== undefined) xorInto(hash, recordDigest(key, previous));
  if (next !== undefined) xorInto(hash, recordDigest(key, next));
  if (isZeroHash(hash)) segments.delete(segment);
  else segments.set(segment, hash);
}
