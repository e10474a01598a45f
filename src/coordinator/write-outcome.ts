import type { DvvSet, VersionVector } from '../versioning/dvvset';
import type { MutateResult } from './coordinator';
import type { MutationResult } from './mutation';
import { contextAfterWrite } from './new-version-context';

/**
 * A write's result, with the context for the client's next write computed only if asked for:
 * VSET returns it, plain SET and most commands never look.
 */
export class WriteOutcome implements MutateResult {
  readonly result: MutationResult;
  readonly #written: VersionVector;
  readonly #next: DvvSet;
  readonly #actor: string;
  #context: VersionVector | undefined;

  constructor(result: MutationResult, written: VersionVector, next: DvvSet, actor: string) {
    this.result = result;
    this.#written = written;
    this.#next = next;
    this.#actor = actor;
  }

  get context(): VersionVector {
    return (this.#context ??= contextAfterWrite(this.#written, this.#next, this.#actor));
  }
}
