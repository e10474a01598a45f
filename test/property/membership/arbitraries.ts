/** Generators for membership properties: small id and value pools so entries for one node collide. */
import fc from 'fast-check';
import { MEMBER_STATUSES, tableOf, type MemberEntry, type MemberTable } from '../../../src/membership/member-table';

export const NODE_IDS = ['n1', 'n2', 'n3', 'n4', '\u{1F600}'] as const;

export const entryArb: fc.Arbitrary<MemberEntry> = fc.record({
  nodeId: fc.constantFrom(...NODE_IDS),
  host: fc.constantFrom('10.0.0.1', '10.0.0.2', 'db.example'),
  peerPort: fc.constantFrom(16379, 16380),
  clientPort: fc.constantFrom(6379, 6380),
  incarnation: fc.integer({ min: 0, max: 2 }),
  status: fc.constantFrom(...MEMBER_STATUSES),
  heartbeat: fc.integer({ min: 0, max: 3 }),
});

export const tableArb: fc.Arbitrary<MemberTable> = fc.array(entryArb, { maxLength: 8 }).map((entries) => tableOf(entries));

/** Any well-formed entry, beyond the small pools: what the codec must carry. */
export const wideEntryArb: fc.Arbitrary<MemberEntry> = fc.record({
  nodeId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((id) => Buffer.byteLength(id) <= 256),
  host: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()).filter((host) => Buffer.byteLength(host) <= 255),
  peerPort: fc.integer({ min: 1, max: 65535 }),
  clientPort: fc.integer({ min: 1, max: 65535 }),
  incarnation: fc.nat(),
  status: fc.constantFrom(...MEMBER_STATUSES),
  heartbeat: fc.maxSafeNat(),
});

export const wideTableArb: fc.Arbitrary<MemberTable> = fc
  .uniqueArray(wideEntryArb, { selector: (entry) => entry.nodeId, maxLength: 10 })
  .map((entries) => tableOf(entries));
