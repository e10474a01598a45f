/**
 * Per-connection ordering of commands on the same key. Redis runs one client's commands one after
 * another; dynkv starts a client's pipelined commands at once, so a command that touches a key
 * must wait for that client's unfinished commands on the same key (read-your-writes per
 * connection, even when a cluster answers them out of order).
 *
 * Cheap when nothing overlaps: an unpipelined client never has an unfinished command when its next
 * one arrives, so the key index is built only once a command arrives while others are in flight,
 * and dropped when the connection goes idle again.
 */
export class KeyOrdering {
  /** Commands started and not settled. */
  #unsettled = 0;
  /** Unsettled commands not yet in the index (indexed lazily, on the first overlap check). */
  #unindexed: Array<{ keys: readonly Buffer[]; settled: Promise<unknown> }> = [];
  /** key (latin1) → the latest unsettled command on it. Exists only while commands overlap. */
  #index: Map<string, Promise<unknown>> | undefined;

  /** What a command on `keys` must wait for before it starts; undefined when nothing. */
  waitFor(keys: readonly Buffer[]): Promise<unknown>[] | undefined {
    if (this.#unsettled === 0 || keys.length === 0) return undefined;
    const index = this.#buildIndex();
    let pending: Promise<unknown>[] | undefined;
    for (const key of keys) {
      const latest = index.get(key.toString('latin1'));
      if (latest !== undefined) (pending ??= []).push(latest);
    }
    return pending;
  }

  /** A command on `keys` started and settles with `settled` (which must never reject). */
  started(keys: readonly Buffer[], settled: Promise<unknown>): void {
    this.#unsettled++;
    if (this.#index) for (const key of keys) this.#index.set(key.toString('latin1'), settled);
    else this.#unindexed.push({ keys, settled });
    void settled.then(() => this.#settled(keys, settled));
  }

  /** Commands in flight (for tests and CLIENT LIST). */
  get unsettled(): number {
    return this.#unsettled;
  }

  #settled(keys: readonly Buffer[], settled: Promise<unknown>): void {
    this.#unsettled--;
    if (this.#unsettled === 0) {
      this.#index = undefined;
      this.#unindexed = [];
      return;
    }
    if (!this.#index) return;
    for (const key of keys) {
      const text = key.toString('latin1');
      if (this.#index.get(text) === settled) this.#index.delete(text);
    }
  }

  #buildIndex(): Map<string, Promise<unknown>> {
    if (!this.#index) {
      this.#index = new Map();
      // Settled entries are still in #unindexed; indexing them is harmless (waiting on a settled
      // promise costs a tick) and they leave the index when the connection goes idle.
      for (const { keys, settled } of this.#unindexed) for (const key of keys) this.#index.set(key.toString('latin1'), settled);
      this.#unindexed = [];
    }
    return this.#index;
  }
}
