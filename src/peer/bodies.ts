/**
 * The messages nodes exchange, as TypeScript values: one interface per body of
 * proto/peer.proto, told apart by `kind` (the name of the body's field in the Envelope oneof).
 * The rest of dynkv (cluster layer, simulator) uses these types; only codec.ts sees the
 * generated protobuf classes. Pure types, no imports, so the simulator can use them without
 * pulling in protobufjs.
 *
 * Byte fields decoded from the wire are Buffer views into the received frame (no copy): keep
 * one long after the request and it pins the frame; copy it if it is kept.
 */

/** First message of every connection, dialer to acceptor. */
export interface Hello {
  readonly kind: 'hello';
  readonly nodeId: string;
  readonly versionMin: number;
  readonly versionMax: number;
  readonly clusterName: string;
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
}

/** The acceptor's yes, with the version the connection will use. */
export interface HelloAck {
  readonly kind: 'helloAck';
  readonly version: number;
  readonly nodeId: string;
}

/** Codes this version sends; a peer may send others (a newer one), so `code` stays a string. */
export type ErrorReplyCode = 'VERSION' | 'CLUSTER' | 'BAD_REQUEST' | 'UNAVAILABLE' | 'INTERNAL';

export interface ErrorReply {
  readonly kind: 'errorReply';
  readonly code: ErrorReplyCode | (string & {});
  readonly message: string;
}

export interface Ping {
  readonly kind: 'ping';
}

export interface Pong {
  readonly kind: 'pong';
}

/** Membership state; the bytes are the membership layer's business. */
export interface GossipPush {
  readonly kind: 'gossipPush';
  readonly state: Buffer;
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

export interface GossipReply {
  readonly kind: 'gossipReply';
  readonly state: Buffer;
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

export interface ReplicaRead {
  readonly kind: 'replicaRead';
  readonly key: Buffer;
  readonly partition: number;
  /** Set when the receiver is a fallback for that node: it answers with the hint it holds too. */
  readonly hintFor: string;
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

export interface ReplicaReadReply {
  readonly kind: 'replicaReadReply';
  /** `dynkv.record.Record` bytes; empty when not found. */
  readonly record: Buffer;
  readonly found: boolean;
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

export interface ReplicaWrite {
  readonly kind: 'replicaWrite';
  readonly key: Buffer;
  readonly partition: number;
  /** `dynkv.record.Record` bytes. */
  readonly record: Buffer;
  /** Empty unless the receiver stores the write as a hint for that node (sloppy quorum). */
  readonly hintFor: string;
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

export interface ReplicaWriteReply {
  readonly kind: 'replicaWriteReply';
  /** The sender's FLUSHALL generation (absent = 0): see proto/peer.proto. */
  readonly flushGeneration?: number;
}

/** ReplicaWrites to one node in one request (protocol version 3); bodies as ReplicaWrite's, minus the kind. */
export interface ReplicaWriteBatch {
  readonly kind: 'replicaWriteBatch';
  readonly writes: readonly ReplicaWriteItem[];
}

export type ReplicaWriteItem = Omit<ReplicaWrite, 'kind'>;

/** One per write, in order: `error` undefined = stored; else what an ErrorReply to that write alone would say. */
export interface ReplicaWriteBatchReply {
  readonly kind: 'replicaWriteBatchReply';
  readonly outcomes: readonly ReplicaWriteOutcome[];
  /** The receiver's FLUSHALL generation once the stored writes committed (absent = 0). */
  readonly flushGeneration?: number;
}

export interface ReplicaWriteOutcome {
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ForwardMutation {
  readonly kind: 'forwardMutation';
  readonly key: Buffer;
  readonly mutation: Buffer;
  /** The client's write quorum; undefined means the cluster default. */
  readonly w: number | undefined;
}

export interface ForwardMutationReply {
  readonly kind: 'forwardMutationReply';
  readonly result: Buffer;
  readonly context: Buffer;
}

// ---- Anti-entropy (bodies 60-69): a Merkle exchange between the primaries of a partition. ----

/** The hashes of nodes `indices` at `level` (0 root, 1 buckets, 2 segments) of a partition's tree. */
export interface AeTreeRequest {
  readonly kind: 'aeTreeRequest';
  readonly partition: number;
  readonly level: number;
  readonly indices: readonly number[];
  /** The tree layout the asker assumes; a peer with another answers BAD_REQUEST. */
  readonly segmentCount: number;
}

export interface AeTreeReply {
  readonly kind: 'aeTreeReply';
  /** One 16-byte hash per requested index, concatenated in request order. */
  readonly hashes: Buffer;
}

/** The keys and record digests of some segments of a partition. */
export interface AeKeysRequest {
  readonly kind: 'aeKeysRequest';
  readonly partition: number;
  readonly segments: readonly number[];
  readonly keysMax: number;
  readonly segmentCount: number;
}

export interface AeKeyDigestEntry {
  readonly key: Buffer;
  readonly digest: Buffer;
  readonly reapable: boolean;
}

export interface AeKeysReply {
  readonly kind: 'aeKeysReply';
  /** The segments listed completely: a prefix of those asked for. */
  readonly segments: readonly number[];
  readonly entries: readonly AeKeyDigestEntry[];
}

export interface AeFetchRequest {
  readonly kind: 'aeFetchRequest';
  readonly partition: number;
  readonly keys: readonly Buffer[];
}

export interface AeFetchReply {
  readonly kind: 'aeFetchReply';
  /** `dynkv.record.Record` bytes per requested key, in order; empty when not held. */
  readonly records: readonly Buffer[];
}

export type AeRequestBody = AeTreeRequest | AeKeysRequest | AeFetchRequest;
export type AeResponseBody = AeTreeReply | AeKeysReply | AeFetchReply;

/** FLUSHALL: drop every version written before `generation`, and adopt it. */
export interface FlushAll {
  readonly kind: 'flushAll';
  readonly generation: number;
}

/** The flush is durable on the receiver; `generation` is the receiver's. */
export interface FlushAllReply {
  readonly kind: 'flushAllReply';
  readonly generation: number;
  /** False when the receiver already had that generation: flush again with a higher one. */
  readonly adopted: boolean;
}

/** One record of a partition transfer: a user key and its `dynkv.record.Record` bytes. */
export interface TransferRecord {
  readonly key: Buffer;
  readonly record: Buffer;
}

/** Records of one partition, in key order, pushed by a node handing the partition off. */
export interface TransferBatch {
  readonly kind: 'transferBatch';
  readonly partition: number;
  readonly records: readonly TransferRecord[];
}

export interface TransferBatchReply {
  readonly kind: 'transferBatchReply';
  /** Records that changed the receiver's replica. */
  readonly merged: number;
}

/** What a node asks a peer to do; each gets exactly one ResponseBody. */
export type RequestBody = Ping | GossipPush | ReplicaRead | ReplicaWrite | ReplicaWriteBatch | ForwardMutation | AeRequestBody | TransferBatch | FlushAll;

/** What a peer answers; ErrorReply is the answer to any request that failed on the peer. */
export type ResponseBody = Pong | GossipReply | ReplicaReadReply | ReplicaWriteReply | ReplicaWriteBatchReply | ForwardMutationReply | ErrorReply | AeResponseBody | TransferBatchReply | FlushAllReply;

/** The handshake at the start of a connection (ErrorReply is its refusal). */
export type HandshakeBody = Hello | HelloAck;

export type Body = RequestBody | ResponseBody | HandshakeBody;

export type BodyKind = Body['kind'];

const RESPONSE_KINDS: ReadonlySet<BodyKind> = new Set<BodyKind>([
  'helloAck',
  'errorReply',
  'pong',
  'gossipReply',
  'replicaReadReply',
  'replicaWriteReply',
  'replicaWriteBatchReply',
  'forwardMutationReply',
  'aeTreeReply',
  'aeKeysReply',
  'aeFetchReply',
  'flushAllReply',
  'transferBatchReply',
]);

const REQUEST_KINDS: ReadonlySet<BodyKind> = new Set<BodyKind>([
  'ping',
  'gossipPush',
  'replicaRead',
  'replicaWrite',
  'replicaWriteBatch',
  'forwardMutation',
  'aeTreeRequest',
  'aeKeysRequest',
  'aeFetchRequest',
  'flushAll',
  'transferBatch',
]);

/** The replica writes a request carries: its own for a ReplicaWrite, a batch's, else none. */
export function replicaWritesOf(body: RequestBody): readonly ReplicaWriteItem[] {
  if (body.kind === 'replicaWrite') return [body];
  if (body.kind === 'replicaWriteBatch') return body.writes;
  return [];
}

/** True for bodies that answer something (the Envelope's is_response). */
export function isResponseKind(kind: BodyKind): boolean {
  return RESPONSE_KINDS.has(kind);
}

export function isRequestBody(body: Body): body is RequestBody {
  return REQUEST_KINDS.has(body.kind);
}

/** Handshake bodies are responses only for HelloAck; ErrorReply answers Hello or a request. */
export function isResponseBody(body: Body): body is ResponseBody {
  return body.kind !== 'helloAck' && RESPONSE_KINDS.has(body.kind);
}
