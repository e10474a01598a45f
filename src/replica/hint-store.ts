import { Logger } from '../lib/log';
import { hintKey, hintTargetRange, parseHintKey } from '../storage/keys';
import { Store } from '../storage/store';
import { DvvSet, EMPTY_DVVSET, equalSets, sync } from '../versioning/dvvset';
import { dropFlushed } from '../versioning/flush';
import { decodeRecord, encodeRecord } from '../versioning/record-codec';

/**
 * Writes this node holds for another (a fallback in a sloppy quorum), persisted in the `hints`
 * table until they can be handed to their owner. A hint for a key merges with an earlier hint for
 * the same key (DVV sync), so a burst of writes to one key while its owner is down costs one hint.
 */

/** Distinct keys held for one target before new ones are refused (the write then misses that replica). */
export const HINTS_PER_TARGET_MAX = 100_000;

/** Bytes of hints (keys and records) held for one target before new ones are refused. */
export const HINT_BYTES_PER_TARGET_MAX = 1024 * 1024 * 1024;

export class HintLimitError extends Error {
  override name = 'HintLimitError';
}

export class HintStore {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #counts = new Map<string, number>();
  readonly #bytes = new Map<string, number>();
  readonly #flushGeneration: () => number;
  #refused = 0;

  /** `flushGeneration`: the node's FLUSHALL generation; older versions are never held. */
  constructor(store: Store, logger: Logger, flushGeneration: () => number = () => 0) {
    this.#store = store;
    this.#logger = logger;
    this.#flushGeneration = flushGeneration;
    this.#store.scan('hints', {}, (key, value) => {
      const { target } = parseHintKey(key);
      this.#counts.set(target, (this.#counts.get(target) ?? 0) + 1);
      this.#addBytes(target, key.length + value.length);
      return true;
    });
  }

  read(target: string, partition: number, key: Buffer): DvvSet {
    const bytes = this.#store.get('hints', hintKey(target, partition, key));
    return bytes === undefined ? EMPTY_DVVSET : decodeRecord(bytes);
  }

  /** Stage `incoming` as (part of) the hint for `target`; throws HintLimitError at the bound. */
  add(target: string, partition: number, key: Buffer, proposed: DvvSet): void {
    const incoming = dropFlushed(proposed, this.#flushGeneration());
    if (incoming.entries.length === 0) return;
    const storeKey = hintKey(target, partition, key);
    const existing = this.#store.get('hints', storeKey);
    const count = this.#counts.get(target) ?? 0;
    if (existing === undefined && count >= HINTS_PER_TARGET_MAX) {
      this.#refused++;
      this.#logger.warn({ target, hints: count }, 'hint refused: too many hints held for this node');
      throw new HintLimitError(`too many hints held for ${target} (${count})`);
    }
    const current = existing === undefined ? EMPTY_DVVSET : decodeRecord(existing);
    const merged = sync(current, incoming);
    if (existing !== undefined && equalSets(current, merged)) return;
    const encoded = encodeRecord(merged);
    const growth = encoded.length - (existing?.length ?? -storeKey.length);
    const held = this.#bytes.get(target) ?? 0;
    if (growth > 0 && held + growth > HINT_BYTES_PER_TARGET_MAX) {
      this.#refused++;
      this.#logger.warn({ target, bytes: held }, 'hint refused: too many bytes of hints held for this node');
      throw new HintLimitError(`too many bytes of hints held for ${target} (${held})`);
    }
    this.#store.put('hints', storeKey, encoded);
    this.#addBytes(target, growth);
    if (existing === undefined) this.#counts.set(target, count + 1);
  }

  /** Hints held per target node (RING STATUS, INFO). */
  pending(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** Bytes of hints held for `target` (keys and records). */
  bytesFor(target: string): number {
    return this.#bytes.get(target) ?? 0;
  }

  get refused(): number {
    return this.#refused;
  }

  /** Visit the hints held for `target`, in partition order, until `visit` returns false. */
  forEach(target: string, visit: (partition: number, key: Buffer, set: DvvSet) => boolean): void {
    this.#store.scan('hints', hintTargetRange(target), (storeKey, value) => {
      const { partition, key } = parseHintKey(storeKey);
      return visit(partition, key, decodeRecord(value));
    });
  }

  /** A FLUSHALL was adopted: drop from every hint what was written before it. */
  dropFlushedVersions(): void {
    const generation = this.#flushGeneration();
    const changed: Array<{ storeKey: Buffer; next: DvvSet }> = [];
    this.#store.scan('hints', {}, (storeKey, value) => {
      const current = decodeRecord(value);
      const next = dropFlushed(current, generation);
      if (next !== current) changed.push({ storeKey: Buffer.from(storeKey), next });
      return true;
    });
    for (const { storeKey, next } of changed) {
      const { target, partition, key } = parseHintKey(storeKey);
      if (next.entries.length === 0) this.remove(target, partition, key);
      else {
        const existing = this.#store.get('hints', storeKey)!;
        const encoded = encodeRecord(next);
        this.#store.put('hints', storeKey, encoded);
        this.#addBytes(target, encoded.length - existing.length);
      }
    }
  }

  /** Drop a delivered hint (only after its target acknowledged it). */
  remove(target: string, partition: number, key: Buffer): void {
    const storeKey = hintKey(target, partition, key);
    const existing = this.#store.get('hints', storeKey);
    if (existing === undefined) return;
    this.#store.delete('hints', storeKey);
    this.#addBytes(target, -(storeKey.length + existing.length));
    const count = (this.#counts.get(target) ?? 1) - 1;
    if (count <= 0) this.#counts.delete(target);
    else this.#counts.set(target, count);
  }

  #addBytes(target: string, delta: number): void {
    const bytes = (this.#bytes.get(target) ?? 0) + delta;
    if (bytes <= 0) this.#bytes.delete(target);
    else this.#bytes.set(target, bytes);
  }
}
