/**
 * The member table as bytes, for the peer layer to carry inside its protobuf envelope (gossip
 * messages, the `meta` database). Membership stays protobuf-free so it remains a pure module: the
 * bytes are UTF-8 JSON of a plain object, `{ "version": 1, "members": [entry, ...] }`, entries
 * sorted by node id so equal tables encode to equal bytes. JSON rather than a compact binary
 * because the table is small (about 150 bytes a member, once a second to one peer) and readable in
 * logs and `dynkv status`; if it ever matters, a binary layout can take `version: 2`.
 *
 * Decoding trusts nothing: the bytes come from the network. Anything but a well-formed table
 * (invalid UTF-8, bad JSON, missing or mistyped fields, out-of-range numbers, duplicate node ids,
 * more than MEMBERS_MAX members or TABLE_BYTES_MAX bytes) raises InvalidMemberTableError and
 * nothing else. Unknown fields are ignored, as protobuf does, so a newer node may add one without
 * cutting off older peers; a change that older nodes must not misread bumps `version`.
 */
import { MEMBER_STATUSES, entriesOf, tableOf, type MemberEntry, type MemberStatus, type MemberTable } from './member-table';

export const TABLE_FORMAT_VERSION = 1;
/** Far above any cluster dynkv aims at (tens of nodes); bounds the work per gossip message. */
export const MEMBERS_MAX = 1024;
/** A full table of MEMBERS_MAX members with long names fits well below it. */
export const TABLE_BYTES_MAX = 1024 * 1024;
export const NODE_ID_BYTES_MAX = 256;
export const HOST_BYTES_MAX = 255;
/**
 * `handoff` travels as a base64 bitmap (bit p set = partition p), so even a node handing off all
 * of the largest ring (4096 partitions) adds at most 684 characters to its entry.
 */
export const HANDOFF_PARTITIONS_MAX = 4096;

export class InvalidMemberTableError extends Error {
  override name = 'InvalidMemberTableError';

  constructor(detail: string) {
    super(`invalid member table: ${detail}`);
  }
}

/** The plain object form: JSON-ready, no Maps, no classes. */
export interface PlainMemberTable {
  readonly version: number;
  /** Entries as JSON carries them: `handoff` as its base64 bitmap. */
  readonly members: ReadonlyArray<Omit<MemberEntry, 'handoff'> & { readonly handoff?: string }>;
}

export function toPlain(table: MemberTable): PlainMemberTable {
  return {
    version: TABLE_FORMAT_VERSION,
    members: entriesOf(table).map((entry) => ({
      nodeId: entry.nodeId,
      host: entry.host,
      peerPort: entry.peerPort,
      clientPort: entry.clientPort,
      incarnation: entry.incarnation,
      status: entry.status,
      heartbeat: entry.heartbeat,
      ...(entry.handoff && entry.handoff.length > 0 ? { handoff: encodeHandoff(entry.handoff) } : {}),
    })),
  };
}

/** Partitions → base64 of a bitmap just long enough for the highest one. */
export function encodeHandoff(partitions: readonly number[]): string {
  const bitmap = Buffer.alloc(Math.ceil((Math.max(...partitions) + 1) / 8));
  for (const p of partitions) bitmap[p >> 3]! |= 0x80 >> (p & 7);
  return bitmap.toString('base64');
}

function decodeHandoff(value: unknown, where: string): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > Math.ceil(HANDOFF_PARTITIONS_MAX / 8 / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new InvalidMemberTableError(`${where}: handoff is not a partition bitmap`);
  }
  const bitmap = Buffer.from(value, 'base64');
  const partitions: number[] = [];
  for (let p = 0; p < bitmap.length * 8; p++) if (bitmap[p >> 3]! & (0x80 >> (p & 7))) partitions.push(p);
  return partitions.length > 0 ? partitions : undefined;
}

/** Validates a value of unknown shape (e.g. parsed JSON) as a table. */
export function fromPlain(value: unknown): MemberTable {
  if (!isRecord(value)) throw new InvalidMemberTableError('not an object');
  const version = value['version'];
  if (version !== TABLE_FORMAT_VERSION) {
    throw new InvalidMemberTableError(typeof version === 'number' ? `unsupported version ${version}` : 'no version');
  }
  const members = value['members'];
  if (!Array.isArray(members)) throw new InvalidMemberTableError('members is not an array');
  if (members.length > MEMBERS_MAX) throw new InvalidMemberTableError(`more than ${MEMBERS_MAX} members`);
  const entries = members.map((member: unknown, index) => entryFrom(member, index));
  const table = tableOf(entries);
  if (table.size !== entries.length) throw new InvalidMemberTableError('duplicate node id');
  return table;
}

export function encodeTable(table: MemberTable): Buffer {
  return Buffer.from(JSON.stringify(toPlain(table)), 'utf8');
}

export function decodeTable(bytes: Uint8Array): MemberTable {
  if (bytes.length > TABLE_BYTES_MAX) throw new InvalidMemberTableError(`more than ${TABLE_BYTES_MAX} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InvalidMemberTableError('not UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidMemberTableError('not JSON');
  }
  return fromPlain(parsed);
}

function entryFrom(value: unknown, index: number): MemberEntry {
  const where = `member ${index}`;
  if (!isRecord(value)) throw new InvalidMemberTableError(`${where} is not an object`);
  const handoff = decodeHandoff(value['handoff'], where);
  return {
    ...(handoff ? { handoff } : {}),
    nodeId: text(value, 'nodeId', NODE_ID_BYTES_MAX, where),
    host: text(value, 'host', HOST_BYTES_MAX, where),
    peerPort: port(value, 'peerPort', where),
    clientPort: port(value, 'clientPort', where),
    incarnation: count(value, 'incarnation', where),
    status: status(value, where),
    heartbeat: count(value, 'heartbeat', where),
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(record: Record<string, unknown>, field: string, bytesMax: number, where: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidMemberTableError(`${where}: ${field} is not a non-empty string`);
  }
  if (Buffer.byteLength(value, 'utf8') > bytesMax) {
    throw new InvalidMemberTableError(`${where}: ${field} longer than ${bytesMax} bytes`);
  }
  // A lone surrogate (JSON may spell one as \ud800) would not survive a round trip through UTF-8.
  if (LONE_SURROGATE.test(value)) throw new InvalidMemberTableError(`${where}: ${field} is not well-formed Unicode`);
  return value;
}

function port(record: Record<string, unknown>, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InvalidMemberTableError(`${where}: ${field} is not a port number`);
  }
  return value;
}

function count(record: Record<string, unknown>, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidMemberTableError(`${where}: ${field} is not a non-negative integer`);
  }
  return value;
}

function status(record: Record<string, unknown>, where: string): MemberStatus {
  const value = record['status'];
  const known = MEMBER_STATUSES.find((candidate) => candidate === value);
  if (known === undefined) throw new InvalidMemberTableError(`${where}: status is not one of ${MEMBER_STATUSES.join(', ')}`);
  return known;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
