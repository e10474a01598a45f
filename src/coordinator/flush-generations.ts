import { Logger } from '../lib/log';
import { HintStore } from '../replica/hint-store';
import { LocalReplica } from '../replica/local-replica';

/**
 * This node's knowledge of the cluster's FLUSHALL generation (see src/versioning/flush.ts). Every
 * peer message carries its sender's generation; whoever sees a newer one calls `observe`, which
 * adopts it before anything else happens: listeners run first (the coordinator renews its DVV
 * actor, so no actor issues dots in two generations), then every local record and hint loses the
 * versions written before the flush (versions of the new generation that arrived before the
 * flush itself did are kept). Adoption is staged in the current store group: it is durable with the
 * next commit, which every path that observes a generation performs before answering.
 */
export class FlushGenerations {
  readonly #replica: LocalReplica;
  readonly #hints: HintStore;
  readonly #logger: Logger;
  readonly #listeners: Array<(generation: number) => void> = [];

  constructor(replica: LocalReplica, hints: HintStore, logger: Logger) {
    this.#replica = replica;
    this.#hints = hints;
    this.#logger = logger;
  }

  get current(): number {
    return this.#replica.flushGeneration;
  }

  onAdopt(listener: (generation: number) => void): void {
    this.#listeners.push(listener);
  }

  /** Adopt `generation` if it is newer than ours; true if it was. */
  observe(generation: number | undefined): boolean {
    if (generation === undefined || generation <= this.#replica.flushGeneration) return false;
    // The actor is renewed first: nothing below may leave it issuing dots in two generations.
    for (const listener of this.#listeners) listener(generation);
    this.#replica.adoptFlushGeneration(generation);
    this.#hints.dropFlushedVersions();
    this.#logger.info({ flushGeneration: generation }, 'FLUSHALL generation adopted');
    return true;
  }
}
