/**
 * The codec carries every well-formed table unchanged, and decodeTable, fed anything at all
 * (random bytes, random JSON, damaged encodings), either returns a table or throws
 * InvalidMemberTableError: never another error, never a crash.
 */
import fc from 'fast-check';
import { InvalidMemberTableError, decodeTable, encodeTable } from '../../../src/membership/member-table-codec';
import { wideTableArb } from './arbitraries';

function decodesOrRefuses(bytes: Uint8Array): void {
  try {
    const table = decodeTable(bytes);
    // Whatever was accepted must survive a round trip.
    expect(decodeTable(encodeTable(table))).toEqual(table);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMemberTableError);
  }
}

describe('member table codec (property)', () => {
  it('round-trips every well-formed table', () => {
    fc.assert(
      fc.property(wideTableArb, (table) => {
        expect(decodeTable(encodeTable(table))).toEqual(table);
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but InvalidMemberTableError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), decodesOrRefuses), { numRuns: 2000 });
  });

  it('throws nothing but InvalidMemberTableError on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => decodesOrRefuses(Buffer.from(JSON.stringify(value) ?? 'null'))),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but InvalidMemberTableError on almost-valid tables', () => {
    const memberLike = fc.dictionary(
      fc.constantFrom('nodeId', 'host', 'peerPort', 'clientPort', 'incarnation', 'status', 'heartbeat', 'other'),
      fc.oneof(fc.jsonValue(), fc.constantFrom('up', 'removed', 'down', 0, 1, 65535, 65536, -1, 1.5, 2 ** 53, '\ud800')),
    );
    fc.assert(
      fc.property(fc.array(memberLike, { maxLength: 4 }), fc.constantFrom(1, 2, '1', null), (members, version) =>
        decodesOrRefuses(Buffer.from(JSON.stringify({ version, members }))),
      ),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but InvalidMemberTableError on damaged encodings', () => {
    fc.assert(
      fc.property(
        wideTableArb.filter((table) => table.size > 0),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (table, flips, cut) => {
          const bytes = Buffer.from(encodeTable(table));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          decodesOrRefuses(bytes);
          decodesOrRefuses(bytes.subarray(0, cut % bytes.length));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
