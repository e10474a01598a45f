import { DvvSet, VersionVector } from '../versioning/dvvset';

/** The payload of a version a command wants written; the coordinator adds timestamp and dot. */
export interface NewVersion {
  readonly data: Buffer;
  readonly tombstone: boolean;
  /** Absolute wall-clock deadline, 0 for none. */
  readonly expiresAtMs: number;
}

/**
 * What a command decides, given the key's current siblings (as the coordinator sees them after its
 * read) and the time. `context` says which versions the new one supersedes: a client's causal
 * context (VSET), or 'current' for everything the coordinator has seen (plain SET: overwrite).
 */
export type MutationOutcome<T> =
  | { readonly write: NewVersion; readonly context: VersionVector | 'current'; readonly result: T }
  | { readonly write?: undefined; readonly result: T };

/** Pure: must not do I/O; may run more than once in a cluster if a retry is needed. */
export type Mutation<T> = (current: DvvSet, nowMs: number) => MutationOutcome<T>;

export interface MutateResult<T> {
  readonly result: T;
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
  /** The merged siblings of `key` from R replicas. Rejects with ReplyError("UNAVAILABLE ...") if R cannot be met. */
  read(key: Buffer, options?: ReadOptions): Promise<DvvSet>;
  /** Read, decide, write, acknowledge. */
  mutate<T>(key: Buffer, mutation: Mutation<T>, options?: WriteOptions): Promise<MutateResult<T>>;
  /** Remove every key (FLUSHALL). */
  flushAll(): Promise<void>;
}
