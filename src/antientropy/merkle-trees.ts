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
/**
 * v2: the table is a checkpoint, valid only with CHECKPOINT_KEY. v1 (kept in step with every
 * write) is another layout, so a v1 binary started on this store builds its trees from the data
 * instead of trusting a table that was not kept in step.
 */
const LAYOUT = Buffer.from(`xor-md5 segments=${SEGMENT_COUNT} v2 checkpoint`);
/**
 * Present in `meta` only while the `merkle` table equals the data: written by `checkpoint` at a
 * clean stop; while it may be present, every data write stages its removal in its own group (see
 * `markerMayBePresent`). A store without it (a crash, a full disk at the stop) gets its trees
 * built from the data at start.
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
  /** The checkpoint marker may be in the store (committed or staged): data writes must remove it. */
  #markerMayBePresent = false;
  /** Checkpoints staged so far (see `unmarked`). */
  #checkpoints = 0;

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
    const tree = this.#trees.get(partition);
    return tree === undefined ? new Map() : nonZeroSegments(tree);
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
   * At start: load the trees saved by the last clean stop, or build them from the data. A marker
   * found stays until the first data write's group removes it: until then the data is what the
   * checkpoint describes.
   */
  open(): void {
    this.#markerMayBePresent = this.#store.get('meta', CHECKPOINT_KEY) !== undefined;
    if (this.#markerMayBePresent && this.#store.get('meta', LAYOUT_KEY)?.equals(LAYOUT) === true) this.#load();
    else this.#build();
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
        for (const [segment, hash] of nonZeroSegments(tree)) this.#store.put('merkle', merkleKey(partition, segment), hash);
      }
      this.#store.put('meta', LAYOUT_KEY, LAYOUT);
      this.#store.put('meta', CHECKPOINT_KEY, Buffer.alloc(0));
      this.#markerMayBePresent = true;
      this.#checkpoints++;
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      this.#logger.warn({ err: err.message }, 'anti-entropy: could not save the Merkle trees; they are built from the data at the next start');
    }
  }

  /**
   * Whether a data write must stage the marker's removal (`unmark`) in its group: the marker may
   * be in the store, and a group that commits a data write must not leave it there.
   */
  get markerMayBePresent(): boolean {
    return this.#markerMayBePresent;
  }

  /**
   * Stage the marker's removal in the current group. Returns a token for `unmarked`, to be called
   * once that group has committed (a group that fails leaves the marker, and the flag, as they were).
   */
  unmark(): number {
    this.#store.delete('meta', CHECKPOINT_KEY);
    return this.#checkpoints;
  }

  /** A group holding `unmark` (which returned `token`) committed: the marker is gone, unless a checkpoint was staged since. */
  unmarked(token: number): void {
    if (token === this.#checkpoints) this.#markerMayBePresent = false;
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

/** A partition's non-zero segment hashes, each copied into its own Buffer. */
function nonZeroSegments(tree: Uint8Array): Map<number, Buffer> {
  const segments = new Map<number, Buffer>();
  for (let segment = 0; segment < SEGMENT_COUNT; segment++) {
    const at = segment * DIGEST_BYTES;
    if (!isZero(tree, at)) segments.set(segment, Buffer.from(tree.subarray(at, at + DIGEST_BYTES)));
  }
  return segments;
}

function isZero(tree: Uint8Array, at: number): boolean {
  for (let i = at; i < at + DIGEST_BYTES; i++) if (tree[i] !== 0) return false;
  return true;
}
