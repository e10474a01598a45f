import type { MerkleTrees } from '../antientropy/merkle-trees';

/**
 * What one store write group did to the in-memory Merkle trees, settled with the group: if it
 * fails, every update is applied again, which undoes it (XOR); if it commits and it staged the
 * checkpoint marker's removal, the trees learn the marker is gone. LocalReplica keeps one per
 * group, so the trees always equal what the store holds or will hold.
 */
export class GroupTreeUpdates {
  /** Four entries per update: partition, segment, previous and next digest. */
  readonly #updates: Array<number | Buffer | undefined> = [];
  #unmarkToken: number | undefined;

  /** Apply one record's digest change to `trees`, and remember it. */
  apply(trees: MerkleTrees, partition: number, segment: number, previous: Buffer | undefined, next: Buffer | undefined): void {
    trees.updateDigests(partition, segment, previous, next);
    this.#updates.push(partition, segment, previous, next);
  }

  /** The group stages the marker's removal; `token` is what MerkleTrees.unmark returned. */
  unmarks(token: number): void {
    this.#unmarkToken = token;
  }

  committed(trees: MerkleTrees): void {
    if (this.#unmarkToken !== undefined) trees.unmarked(this.#unmarkToken);
  }

  failed(trees: MerkleTrees): void {
    const updates = this.#updates;
    for (let i = 0; i < updates.length; i += 4) {
      trees.updateDigests(updates[i] as number, updates[i + 1] as number, updates[i + 2] as Buffer | undefined, updates[i + 3] as Buffer | undefined);
    }
  }
}
