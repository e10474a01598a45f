import { Logger } from '../lib/log';
import { Breaks, NO_BREAKS } from '../lib/breaks';
import { merkleKey, parseMerkleKey, PARTITION_BYTES, partitionRange } from '../storage/keys';
import { Store, StorageError } from '../storage/store';
import { DIGEST_BYTES, SEGMENT_COUNT, applyChange, segmentOf } from './merkle-tree';

/**
 * Says which tree layout the `merkle` table holds. A store without it (created before trees
 * existed) or with another layout gets its trees built from the data at start.
 */
const LAYOUT_KEY = Buffer.from('merkle-layout');
const LAYOUT = Buffer.from(`xor-md5 segments=${SEGMENT_COUNT} v1`);
/**
 * Present in `meta` only while the `merkle` table equals the data: written by `checkpoint` at a
 * clean stop, removed by `open` in the first write group after it. A store without it (a crash, a
 * full disk at the stop) gets its trees built from the data at start.
 */
const CHECKPOINT_KEY = Buffer.from('merkle-checkpoint');
const PARTITION_TREE_BYTES = SEGMENT_COUNT * DIGEST_BYTES;

/**
 * Every partition's segment hashes, in memory: 16 KiB per partition that holds a record. A write
 * XORs its record digests into one segment (`updateDigests`): no store write, no allocation. Why
 * not in the store with the data: a put per write into a second table cost each random-key write
 * a batch operation, a B-tree descent and a dirty page (about a tenth of a replicated SET).
 *
 * Durability: the trees are saved to the `merkle` table by `checkpoint` at a clean stop and
 * loaded by `open`; after a crash they are built again from the data (one scan and one MD5 per
 * record, logged). The owner undoes the updates of a write group that fails to commit by applying
 * them again (XOR is its own inverse), so the trees always equal the data the store will hold.
 */
export class MerkleTrees {
  readonly #store: Store;
  readonly #logger: Logger;
  /** Break 'merkle-update-skipped' (simulator only): odd segments are never updated. */
  readonly #skipOddSegments: boolean;
  /** partition -> SEGMENT_COUNT hashes of DIGEST_BYTES each (all-zero: empty segment). */
  readonly #trees = new Map<number, Uint8Array>();
  #checkpointStaged = false;

  constructor(store: Store, logger: Logger, breaks: Breaks = NO_BREAKS) {
    this.#store = store;
    this.#logger = logger;
    this.#skipOddSegments = breaks.has('merkle-update-skipped');
  }

  /**
   * Account for `key` of `partition` going from the stored bytes `previous` to `next`
   * (undefined = absent): XOR the old digest out of its segment and the new one in.
   * `previous` and `next` are record digests (recordDigest); applying the same change twice
   * leaves the segment as it was.
   */
  updateDigests(partition: number, segment: number, previous: Buffer | undefined, next: Buffer | undefined): void {
    if (previous === next) return;
    if (this.#skipOddSegments && segment % 2 === 1) return;
    let tree = this.#trees.get(partition);
    if (tree === undefined) this.#trees.set(partition, (tree = new Uint8Array(PARTITION_TREE_BYTES)));
    const at = segment * DIGEST_BYTES;
    if (previous !== undefined) for (let i = 0; i < DIGEST_BYTES; i++) tree[at + i] ^= previous[i]!;
    if (next !== undefined) for (let i = 0; i < DIGEST_BYTES; i++) tree[at + i] ^= next[i]!;
  }

  /** The partition's non-zero segment hashes (copies). */
  segments(partition: number): Map<number, Buffer> {
    const segments = new Map<number, Buffer>();
    const tree = this.#trees.get(partition);
    if (tree === undefined) return segments;
    for (let segment = 0; segment < SEGMENT_COUNT; segment++) {
      const at = segment * DIGEST_BYTES;
      if (!isZero(tree, at)) segments.set(segment, Buffer.from(tree.subarray(at, at + DIGEST_BYTES)));
    }
    return segments;
  }

  /**
   * Visit every record of `partition` whose key falls in one of `segments` (key order), with its
   * stored bytes. Scans the partition's data: listing costs local reads, never network bytes.
   */
  forEachInSegments(partition: number, segments: ReadonlySet<number>, visit: (key: Buffer, record: Buffer, segment: number) => void): void {
    this.#store.scan('data', partitionRange(partition), (storeKey, value) => {
      const key = storeKey.subarray(PARTITION_BYTES);
      const segment = segmentOf(key);
      if (segments.has(segment)) visit(key, value, segment);
      return true;
    });
  }

  /**
   * At start: load the trees saved by the last clean stop, or build them from the data. Either
   * way the checkpoint marker is removed in the current write group, so any write committed
   * after this one leaves no marker behind a crash.
   */
  open(): void {
    const marked = this.#store.get('meta', CHECKPOINT_KEY) !== undefined;
    if (marked && this.#store.get('meta', LAYOUT_KEY)?.equals(LAYOUT) === true) this.#load();
    else this.#build();
    if (!marked) return;
    try {
      this.#store.delete('meta', CHECKPOINT_KEY);
    } catch (err) {
      // A store that refuses even a delete refuses the data writes that would outdate the trees.
      if (!(err instanceof StorageError)) throw err;
    }
  }

  /**
   * Save the trees for the next start (a clean stop): the `merkle` table is replaced by the
   * trees, with the layout and checkpoint markers, in the current write group. Nothing may be
   * written after it. A store that refuses (a full disk) is logged: the next start builds.
   */
  checkpoint(): void {
    try {
      const stale: Buffer[] = [];
      this.#store.scan('merkle', {}, (key) => {
        stale.push(key);
        return true;
      });
      for (const key of stale) this.#store.delete('merkle', key);
      for (const [partition, tree] of this.#trees) {
        for (let segment = 0; segment < SEGMENT_COUNT; segment++) {
          const at = segment * DIGEST_BYTES;
          if (!isZero(tree, at)) this.#store.put('merkle', merkleKey(partition, segment), Buffer.from(tree.subarray(at, at + DIGEST_BYTES)));
        }
      }
      this.#store.put('meta', LAYOUT_KEY, LAYOUT);
      this.#store.put('meta', CHECKPOINT_KEY, Buffer.alloc(0));
      this.#checkpointStaged = true;
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      this.#logger.warn({ err: err.message }, 'anti-entropy: could not save the Merkle trees; they are built from the data at the next start');
    }
  }

  /** Whether `checkpoint` was staged: a write after it must `dropCheckpoint` first. */
  get checkpointStaged(): boolean {
    return this.#checkpointStaged;
  }

  /** Remove the checkpoint marker (in the current write group): a write followed the checkpoint. */
  dropCheckpoint(): void {
    this.#store.delete('meta', CHECKPOINT_KEY);
    this.#checkpointStaged = false;
  }

  #load(): void {
    this.#trees.clear();
    this.#store.scan('merkle', {}, (key, value) => {
      if (value.length !== DIGEST_BYTES) return true;
      const { partition, segment } = parseMerkleKey(key);
      let tree = this.#trees.get(partition);
      if (tree === undefined) this.#trees.set(partition, (tree = new Uint8Array(PARTITION_TREE_BYTES)));
      tree.set(value, segment * DIGEST_BYTES);
      return true;
    });
  }

  #build(): void {
    this.#trees.clear();
    const trees = new Map<number, Map<number, Buffer>>();
    let records = 0;
    this.#store.scan('data', {}, (storeKey, value) => {
      const partition = storeKey.readUInt16BE(0);
      let segments = trees.get(partition);
      if (!segments) trees.set(partition, (segments = new Map()));
      applyChange(segments, storeKey.subarray(PARTITION_BYTES), undefined, value);
      records++;
      return true;
    });
    for (const [partition, segments] of trees) {
      const tree = new Uint8Array(PARTITION_TREE_BYTES);
      for (const [segment, hash] of segments) tree.set(hash, segment * DIGEST_BYTES);
      this.#trees.set(partition, tree);
    }
    if (records > 0) this.#logger.info({ records, partitions: trees.size }, 'anti-entropy: built the Merkle trees from the data (no checkpoint from a clean stop)');
  }
}

function isZero(tree: Uint8Array, at: number): boolean {
  for (let i = at; i < at + DIGEST_BYTES; i++) if (tree[i] !== 0) return false;
  return true;
}
