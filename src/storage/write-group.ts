import { StorageError, type Table } from './store';

/** One staged operation as node-lmdb's batchWrite takes it: [dbi, key, value] puts, [dbi, key] deletes. */
export type BatchOperation<Dbi> = [Dbi, Buffer, Buffer] | [Dbi, Buffer];

/**
 * Writes staged together and committed in one LMDB transaction, plus their overlay: what reads
 * must see for these keys until the transaction has committed (a value, or null for deleted).
 * Overlay keys are the key bytes as latin1 strings (a bijection), so lookups need no Buffer compare.
 *
 * A key staged again in the same group replaces its earlier operation in place: within one
 * transaction only the last write of a key matters, so a hot key written by fifty clients in one
 * turn costs LMDB one put, not fifty (and its Merkle segment likewise).
 */
export class WriteGroup<Dbi> {
  readonly operations: BatchOperation<Dbi>[] = [];
  readonly #overlay = new Map<Table, Map<string, Buffer | null>>();
  /** table -> key (latin1) -> its operation's index in `operations`. */
  readonly #operationAt = new Map<Table, Map<string, number>>();
  /** Estimated growth of the live data if this group commits (soft space limit). */
  growthBytes = 0;
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;
  #reject: ((error: StorageError) => void) | undefined;

  get size(): number {
    return this.operations.length;
  }

  stage(table: Table, dbi: Dbi, key: Buffer, value: Buffer | null): void {
    let tableOverlay = this.#overlay.get(table);
    let tableOperations = this.#operationAt.get(table);
    if (!tableOverlay || !tableOperations) {
      tableOverlay = new Map();
      tableOperations = new Map();
      this.#overlay.set(table, tableOverlay);
      this.#operationAt.set(table, tableOperations);
    }
    const text = key.toString('latin1');
    const operation: BatchOperation<Dbi> = value === null ? [dbi, key] : [dbi, key, value];
    const at = tableOperations.get(text);
    if (at === undefined) {
      tableOperations.set(text, this.operations.length);
      this.operations.push(operation);
    } else this.operations[at] = operation;
    tableOverlay.set(text, value);
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
