import {
  InvalidMemberTableError,
  MEMBERS_MAX,
  TABLE_BYTES_MAX,
  decodeTable,
  encodeTable,
  fromPlain,
  toPlain,
} from '../../../src/membership/member-table-codec';
import { EMPTY_TABLE, tableOf, type MemberEntry } from '../../../src/membership/member-table';

function entry(nodeId: string, fields: Partial<MemberEntry> = {}): MemberEntry {
  return { nodeId, host: '127.0.0.1', peerPort: 16379, clientPort: 6379, incarnation: 1, status: 'up', heartbeat: 1, ...fields };
}

const TABLE = tableOf([entry('n2', { status: 'joining', heartbeat: 3 }), entry('n1', { host: 'db-1.example', incarnation: 4 })]);

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function plainWith(fields: Record<string, unknown>): unknown {
  return { version: 1, members: [{ ...entry('n1'), ...fields }] };
}

describe('encodeTable / decodeTable', () => {
  it('round-trips a table', () => {
    expect(decodeTable(encodeTable(TABLE))).toEqual(TABLE);
    expect(decodeTable(encodeTable(EMPTY_TABLE))).toEqual(EMPTY_TABLE);
  });

  it('round-trips the partitions a node hands off, as a compact bitmap', () => {
    const table = tableOf([entry('n1', { handoff: [0, 7, 8, 63, 4095] }), entry('n2')]);
    expect(decodeTable(encodeTable(table))).toEqual(table);
    const plain = toPlain(tableOf([entry('n1', { handoff: Array.from({ length: 4096 }, (_, p) => p) })]));
    expect(plain.members[0]!.handoff!.length).toBe(684);
    expect(() => decodeTable(jsonBytes(plainWith({ handoff: 'A'.repeat(700) })))).toThrow(InvalidMemberTableError);
    expect(() => decodeTable(jsonBytes(plainWith({ handoff: 12 })))).toThrow(InvalidMemberTableError);
  });

  it('encodes canonically: entries sorted by node id, so equal tables give equal bytes', () => {
    const reversed = tableOf([
      entry('n1', { host: 'db-1.example', incarnation: 4 }),
      entry('n2', { status: 'joining', heartbeat: 3 }),
    ]);
    expect(encodeTable(reversed)).toEqual(encodeTable(TABLE));
    expect(toPlain(TABLE).members.map((member) => member.nodeId)).toEqual(['n1', 'n2']);
  });

  it('is plain JSON anyone can read', () => {
    expect(JSON.parse(encodeTable(TABLE).toString('utf8'))).toEqual(toPlain(TABLE));
  });

  it('accepts any well-formed Unicode in names, surrogate pairs included', () => {
    const table = tableOf([entry('n\u{1F600}', { host: 'h\u00e9te' })]);
    expect(decodeTable(encodeTable(table))).toEqual(table);
    expect(decodeTable(jsonBytes(toPlain(table)))).toEqual(table);
  });

  it('ignores unknown fields, as protobuf does', () => {
    const plain = { version: 1, future: true, members: [{ ...entry('n1'), zone: 'eu-1' }] };
    expect(decodeTable(jsonBytes(plain))).toEqual(tableOf([entry('n1')]));
  });

  const garbage: Array<[string, Buffer]> = [
    ['empty input', Buffer.alloc(0)],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
    ['not JSON', Buffer.from('{"version":1,')],
    ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeTable(TABLE)])],
    ['a JSON array', jsonBytes([])],
    ['null', jsonBytes(null)],
    ['no version', jsonBytes({ members: [] })],
    ['a future version', jsonBytes({ version: 2, members: [] })],
    ['members not an array', jsonBytes({ version: 1, members: {} })],
    ['a member that is not an object', jsonBytes({ version: 1, members: [7] })],
    ['an empty node id', jsonBytes(plainWith({ nodeId: '' }))],
    ['a numeric node id', jsonBytes(plainWith({ nodeId: 5 }))],
    // JSON.stringify writes it as the escape \ud800, as a hostile peer could.
    ['a lone surrogate in the node id', jsonBytes(plainWith({ nodeId: 'n\ud800' }))],
    ['a missing host', jsonBytes(plainWith({ host: undefined }))],
    ['port 0', jsonBytes(plainWith({ peerPort: 0 }))],
    ['port 65536', jsonBytes(plainWith({ clientPort: 65536 }))],
    ['a fractional port', jsonBytes(plainWith({ peerPort: 1.5 }))],
    ['a negative incarnation', jsonBytes(plainWith({ incarnation: -1 }))],
    ['an unsafe heartbeat', jsonBytes(plainWith({ heartbeat: 2 ** 53 }))],
    ['a heartbeat as text', jsonBytes(plainWith({ heartbeat: '3' }))],
    ['the local-only status down', jsonBytes(plainWith({ status: 'down' }))],
    ['duplicate node ids', jsonBytes({ version: 1, members: [entry('n1'), entry('n1', { heartbeat: 2 })] })],
    ['a node id longer than 256 bytes', jsonBytes(plainWith({ nodeId: 'x'.repeat(257) }))],
    ['too many members', jsonBytes({ version: 1, members: Array.from({ length: MEMBERS_MAX + 1 }, (_, i) => entry(`n${i}`)) })],
    ['too many bytes', Buffer.alloc(TABLE_BYTES_MAX + 1, 0x20)],
  ];

  it.each(garbage)('refuses %s with InvalidMemberTableError', (_name, bytes) => {
    expect(() => decodeTable(bytes)).toThrow(InvalidMemberTableError);
  });

  it('says what is wrong', () => {
    expect(() => decodeTable(jsonBytes(plainWith({ peerPort: 0 })))).toThrow(
      'invalid member table: member 0: peerPort is not a port number',
    );
  });
});

describe('fromPlain', () => {
  it('accepts what toPlain gives', () => {
    expect(fromPlain(toPlain(TABLE))).toEqual(TABLE);
  });

  it('refuses values that are not tables', () => {
    for (const value of [undefined, 1, 'x', [], { version: 1 }]) {
      expect(() => fromPlain(value)).toThrow(InvalidMemberTableError);
    }
  });
});
