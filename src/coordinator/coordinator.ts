import { DvvSet, ValueKind, VersionVector } from '../versioning/dvvset';
import type { Mutation, MutationResult } from './mutation';

/** The payload of a version a command wants written; the coordinator adds timestamp and dot. */
export interface NewVersion {
  readonly data: Buffer;
  readonly tombstone: boolean;
  /** Absolute wall-clock deadline, 0 for none. */
  readonly expiresAtMs: number;
  /** Absent: a plain string. */
  readonly kind?: ValueKind;
}

/**
 * What a command decides, given the key's current siblings (as the coordinator sees them after its
 * read) and the time. `context` says which versions the new one supersedes: a client's causal
 * context (VSET), or 'current' for everything the coordinator has seen (plain SET: overwrite).
 */
export type MutationOutcome<T> =
  | { readonly write: NewVersion; readonly context: VersionVector | 'current'; readonly result: T }
  | { readonly write?: undefined; readonly result: T };

export interface MutateResult {
  readonly result: MutationResult;
  /** A context for the client's next write: what it saw, plus its own new version when that is safe. */
  readonly context: VersionVector;
}

export interface ReadOptions {
  /** Replies to wait for; defaults to the node's R. */
  readonly r?: number;
}

export interface WriteOptions {
  /** Acknowledgements to wait for; defaults to the node's W. */
  readonly w?: number;
}

export interface Coordinator {
  /**
   * The merged siblings of `key` from R replicas; rejects with ReplyError("UNAVAILABLE ...") if R
   * cannot be met. Answers synchronously when the local replica is the whole answer (a ring of
   * one, N=1), so the hot path of a single node allocates no promise.
   */
  read(key: Buffer, options?: ReadOptions): DvvSet | Promise<DvvSet>;
  /** Read, decide (applyMutation), write, acknowledge. */
  mutate(key: Buffer, mutation: Mutation, options?: WriteOptions): Promise<MutateResult>;
  /** Remove every key (FLUSHALL). */
  flushAll(): Promise<void>;
}
