import {
  EMPTY_TABLE,
  compareEntries,
  entriesOf,
  freshHeartbeats,
  membersAfterPendingChanges,
  mergeEntries,
  mergeTables,
  owningMembers,
  tableOf,
  withEntry,
  type MemberEntry,
} from '../../../src/membership/member-table';

function entry(nodeId: string, fields: Partial<MemberEntry> = {}): MemberEntry {
  return { nodeId, host: '127.0.0.1', peerPort: 16379, clientPort: 6379, incarnation: 1, status: 'up', heartbeat: 1, ...fields };
}

describe('mergeEntries', () => {
  it('lets the higher incarnation win over any status and heartbeat', () => {
    const removed = entry('a', { incarnation: 1, status: 'removed', heartbeat: 900 });
    const reborn = entry('a', { incarnation: 2, status: 'joining', heartbeat: 1 });
    expect(mergeEntries(removed, reborn)).toBe(reborn);
    expect(mergeEntries(reborn, removed)).toBe(reborn);
  });

  it('at equal incarnation ranks removed > leaving > up > joining, above the heartbeat', () => {
    const order: MemberEntry[] = [
      entry('a', { status: 'joining', heartbeat: 50 }),
      entry('a', { status: 'up', heartbeat: 40 }),
      entry('a', { status: 'leaving', heartbeat: 30 }),
      entry('a', { status: 'removed', heartbeat: 20 }),
    ];
    for (let i = 0; i < order.length; i++) {
      for (let j = i + 1; j < order.length; j++) {
        expect(mergeEntries(order[i]!, order[j]!)).toBe(order[j]);
        expect(mergeEntries(order[j]!, order[i]!)).toBe(order[j]);
      }
    }
  });

  it('then takes the higher heartbeat', () => {
    const older = entry('a', { heartbeat: 7 });
    const newer = entry('a', { heartbeat: 8 });
    expect(mergeEntries(older, newer)).toBe(newer);
    expect(mergeEntries(newer, older)).toBe(newer);
  });

  it('breaks a tie no correct node would produce by address, the same way from both sides', () => {
    const one = entry('a', { host: '10.0.0.1' });
    const two = entry('a', { host: '10.0.0.2' });
    expect(mergeEntries(one, two)).toBe(two);
    expect(mergeEntries(two, one)).toBe(two);
    expect(compareEntries(one, one)).toBe(0);
  });
});

describe('mergeTables', () => {
  it('keeps every node of either table and merges the common ones', () => {
    const local = tableOf([entry('a', { heartbeat: 5 }), entry('b', { status: 'joining' })]);
    const remote = tableOf([entry('a', { heartbeat: 3 }), entry('b', { status: 'up' }), entry('c')]);
    const merged = mergeTables(local, remote);
    expect(entriesOf(merged)).toEqual([entry('a', { heartbeat: 5 }), entry('b', { status: 'up' }), entry('c')]);
    expect(mergeTables(remote, local)).toEqual(merged);
  });

  it('does not change its inputs', () => {
    const local = tableOf([entry('a')]);
    mergeTables(local, tableOf([entry('b')]));
    expect([...local.keys()]).toEqual(['a']);
  });

  it('keeps a removed node removed against stale gossip', () => {
    const removed = tableOf([entry('a', { status: 'removed', heartbeat: 10 })]);
    const stale = tableOf([entry('a', { status: 'up', heartbeat: 99 })]);
    expect(mergeTables(removed, stale).get('a')?.status).toBe('removed');
  });
});

describe('tableOf and withEntry', () => {
  it('tableOf merges repeated nodes, so the order of entries does not matter', () => {
    const entries = [entry('a', { heartbeat: 2 }), entry('a', { heartbeat: 9 }), entry('b')];
    expect(tableOf(entries)).toEqual(tableOf([...entries].reverse()));
    expect(tableOf(entries).get('a')?.heartbeat).toBe(9);
  });

  it('withEntry replaces the node\'s entry outright (the node\'s own word) and copies the table', () => {
    const table = tableOf([entry('a', { heartbeat: 9 })]);
    const next = withEntry(table, entry('a', { heartbeat: 10, status: 'leaving' }));
    expect(next.get('a')).toEqual(entry('a', { heartbeat: 10, status: 'leaving' }));
    expect(table.get('a')?.heartbeat).toBe(9);
  });
});

describe('owningMembers and membersAfterPendingChanges', () => {
  const table = tableOf([
    entry('up-1'),
    entry('joining-1', { status: 'joining' }),
    entry('leaving-1', { status: 'leaving' }),
    entry('removed-1', { status: 'removed' }),
    entry('up-0'),
  ]);

  it('owning: joining, up and leaving nodes, sorted', () => {
    expect(owningMembers(table)).toEqual(['joining-1', 'leaving-1', 'up-0', 'up-1']);
    expect(owningMembers(EMPTY_TABLE)).toEqual([]);
  });

  it('after pending changes: joining and up nodes', () => {
    expect(membersAfterPendingChanges(table)).toEqual(['joining-1', 'up-0', 'up-1']);
  });
});

describe('freshHeartbeats', () => {
  it('names nodes that are new or have a higher heartbeat or incarnation', () => {
    const before = tableOf([entry('a', { heartbeat: 5 }), entry('b', { heartbeat: 5 }), entry('c', { heartbeat: 5 })]);
    const after = mergeTables(
      before,
      tableOf([
        entry('a', { heartbeat: 6 }),
        entry('b', { heartbeat: 4 }),
        entry('c', { incarnation: 2, heartbeat: 0 }),
        entry('d'),
      ]),
    );
    expect(freshHeartbeats(before, after)).toEqual(['a', 'c', 'd']);
  });

  it('does not count a status change without a newer heartbeat', () => {
    const before = tableOf([entry('a', { heartbeat: 5 })]);
    const after = tableOf([entry('a', { heartbeat: 5, status: 'leaving' })]);
    expect(freshHeartbeats(before, after)).toEqual([]);
  });
});
