/**
 * A key's DVVSet as stored in LMDB and carried between nodes: the protobuf `Record` message of
 * proto/record.proto (one schema for disk and wire). Encoding is deterministic (entries in set
 * order, which is sorted by actor; every field written the same way), so equal sets give equal bytes and
 * Merkle digests can hash the bytes.
 *
 * Decoding validates the DVVSet invariants and throws InvalidRecordError otherwise, because the
 * bytes may come from a faulty disk or a peer speaking garbage (SPEC section 3.6): better one
 * refused record than a corrupt clock that silently supersedes writes. Decoded `data` of more than
 * ON_HEAP_BYTES_MAX bytes is a view into the input bytes (no copy on the read path): callers pass
 * buffers they own and never reuse (the Store returns copies; network frames are not recycled).
 * Smaller data is copied onto V8's heap (owned-bytes.ts).
 */
import { dynkv } from '../generated/proto';
import { ownedIfSmall } from './owned-bytes';
import { compareActors, makeVersion, type ClockEntry, type DvvSet, type ValueKind, type Version } from './dvvset';
import { decodeRecordFast } from './record-decoder';
import { encodeRecordFast } from './record-encoder';
import { uint64ToNumber } from './uint64';

export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';

  constructor(detail: string) {
    super(`invalid record: ${detail}`);
  }
}

/**
 * Where a set object keeps its encoded bytes. Sets are immutable values, and one set is often
 * encoded several times (the local store, each replica it is sent to, every replica read answered
 * from the record cache), so it is encoded once. A symbol-keyed property rather than a WeakMap:
 * weak tables cost the garbage collector on every scavenge, and a write makes one set per key.
 */
const ENCODED = Symbol('encoded record');

/** The set's bytes. Shared between callers (see ENCODED): never modify them. */
export function encodeRecord(set: DvvSet): Buffer {
  const memo = set as DvvSet & { [ENCODED]?: Buffer };
  let bytes = memo[ENCODED];
  if (bytes === undefined) {
    bytes = encodeUncached(set);
    // A plain assignment (Object.defineProperty, to hide it, costs 40 times as much per write):
    // deep comparisons that look at symbol keys (jest's toEqual) see the memo. Frozen sets
    // (EMPTY_DVVSET, tests' fixtures) are encoded each time.
    if (Object.isExtensible(set)) memo[ENCODED] = bytes;
  }
  return bytes;
}

function encodeUncached(set: DvvSet): Buffer {
  return encodeRecordFast(set) ?? encodeWithProtobufjs(set);
}

/** The generated encoder: the reference encodeRecordFast matches, and its fallback. */
export function encodeWithProtobufjs(set: DvvSet): Buffer {
  const message: dynkv.record.IRecord = {
    entries: set.entries.map((entry) => ({
      actor: entry.actor,
      counter: entry.counter,
      updatedMs: entry.updatedMs,
      versions: entry.versions.map((version) => ({
        data: version.data,
        tombstone: version.tombstone,
        timestampMs: version.timestampMs,
        expiresAtMs: version.expiresAtMs,
        flushGeneration: version.flushGeneration,
        kind: KIND_TO_WIRE[version.kind ?? 'string'],
      })),
    })),
  };
  const bytes = dynkv.record.Record.encode(message).finish();
  // Small results are slices of Node's shared 8 KiB allocation pool; kept in encodedSets (and
  // caches that hold the set), such a slice would pin the whole slab, so it gets its own memory.
  const owned = Buffer.allocUnsafeSlow(bytes.byteLength);
  owned.set(bytes);
  return owned;
}

export function decodeRecord(bytes: Buffer): DvvSet {
  // The hand decoder takes the records both encoders write; protobufjs the rest (record-decoder.ts).
  return checkedSet(decodeRecordFast(bytes) ?? entriesWithProtobufjs(bytes));
}

/** decodeRecord without the hand-written path: the reference record-decoder.ts is tested against. */
export function decodeRecordWithProtobufjs(bytes: Buffer): DvvSet {
  return checkedSet(entriesWithProtobufjs(bytes));
}

function entriesWithProtobufjs(bytes: Buffer): ClockEntry[] {
  let message: dynkv.record.Record;
  try {
    message = dynkv.record.Record.decode(bytes);
  } catch {
    throw new InvalidRecordError('not a record message');
  }
  return message.entries.map((entry) => ({
    actor: entry.actor ?? '',
    counter: uint(entry.counter, 'counter'),
    versions: (entry.versions ?? []).map(decodeVersion),
    updatedMs: uint(entry.updatedMs, 'updated_ms'),
  }));
}

/** The DVVSet invariants a record from a disk or a peer must hold. */
function checkedSet(entries: ClockEntry[]): DvvSet {
  for (let i = 0; i < entries.length; i++) {
    const { actor, counter, versions } = entries[i]!;
    if (actor.length === 0) throw new InvalidRecordError('empty actor');
    if (i > 0 && compareActors(entries[i - 1]!.actor, actor) >= 0) throw new InvalidRecordError('entries not sorted by actor or duplicated');
    if (counter < 1) throw new InvalidRecordError('counter below 1');
    if (versions.length > counter) throw new InvalidRecordError('more versions than events');
  }
  return { entries };
}

const KIND_TO_WIRE: Readonly<Record<ValueKind, dynkv.record.ValueKind>> = {
  string: dynkv.record.ValueKind.VALUE_KIND_STRING,
  counter: dynkv.record.ValueKind.VALUE_KIND_COUNTER,
  set: dynkv.record.ValueKind.VALUE_KIND_SET,
};

function decodeVersion(version: dynkv.record.IVersion): Version {
  const data = version.data;
  // Generation 0 and the string kind stay undefined, so records from before either decode exactly
  // as written, and old and new string records compare equal.
  return makeVersion({
    data: data && data.length > 0 ? ownedIfSmall(asBuffer(data)) : EMPTY,
    tombstone: version.tombstone === true,
    timestampMs: uint(version.timestampMs, 'timestamp_ms'),
    expiresAtMs: uint(version.expiresAtMs, 'expires_at_ms'),
    flushGeneration: version.flushGeneration ?? 0,
    kind: kindFromWire(version.kind),
  });
}

function kindFromWire(kind: number | null | undefined): ValueKind {
  switch (kind ?? 0) {
    case dynkv.record.ValueKind.VALUE_KIND_STRING:
      return 'string';
    case dynkv.record.ValueKind.VALUE_KIND_COUNTER:
      return 'counter';
    case dynkv.record.ValueKind.VALUE_KIND_SET:
      return 'set';
    default:
      // A kind from a newer node: refusing the record is safer than reading its bytes as a string.
      throw new InvalidRecordError(`unknown value kind ${kind}`);
  }
}

const EMPTY = Buffer.alloc(0);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uint(value: unknown, field: string): number {
  const number = uint64ToNumber(value);
  if (number === undefined) throw new InvalidRecordError(`${field} is not a safe integer`);
  return number;
}
