import { StorageError, type Table } from './store';

/** One staged operation as node-lmdb's batchWrite takes it: [dbi, key, value] puts, [dbi, key] deletes. */
export type BatchOperation<Dbi> = [Dbi, Buffer, Buffer] | [Dbi, Buffer];

/**
 * Writes staged together and committed in one LMDB transaction, plus their overlay: what reads
 * must see for these keys until the transaction has committed (a value, or null for deleted).
 * Overlay keys are the key bytes as latin1 strings (a bijection), so lookups need no Buffer compare.
 */
export class WriteGroup<Dbi> {
  readonly operations: BatchOperation<Dbi>[] = [];
  readonly #overlay = new Map<Table, Map<string, Buffer | null>>();
  /** Estimated growth of the live data if this group commits (soft space limit). */
  growthBytes = 0;
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;
  #reject: ((error: StorageError) => void) | undefined;

  get size(): number {
    return this.operations.length;
  }

  stage(table: Table, dbi: Dbi, key: Buffer, value: Buffer | null): void {
    this.operations.push(value === null ? [dbi, key] : [dbi, key, value]);
    let tableOverlay = this.#overlay.get(table);
    if (!tableOverlay) {
      tableOverlay = new Map();
      this.#overlay.set(table, tableOverlay);
    }
    tableOverlay.set(key.toString('latin1'), value);
  }

  /** undefined: this group says nothing about the key; null: it deletes it. */
  lookup(table: Table, key: string): Buffer | null | undefined {
    return this.#overlay.get(table)?.get(key);
  }

  /** The overlay of one table, for scans. */
  entries(table: Table): ReadonlyMap<string, Buffer | null> | undefined {
    return this.#overlay.get(table);
  }

  /** A promise settled when the group commits or fails; created only when someone waits. */
  waitForCommit(): Promise<void> {
    this.#promise ??= new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    return this.#promise;
  }

  settle(error: StorageError | undefined): void {
    if (error) this.#reject?.(error);
    else this.#resolve?.();
  }
}
