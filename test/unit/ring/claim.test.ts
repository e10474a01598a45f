import { claimCapacity, claimPartitions, claimWeight } from '../../../src/ring/claim';
import { AssertionError } from '../../../src/lib/assert';

function loads(owners: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

function neighbourCollisions(owners: readonly string[]): number {
  return owners.filter((owner, p) => owner === owners[(p + 1) % owners.length]).length;
}

describe('claimPartitions', () => {
  it('splits Q=64 over 3 nodes as 22/21/21 with no neighbour owning the same node', () => {
    const owners = claimPartitions(['node-a', 'node-b', 'node-c'], 64);
    expect(owners).toHaveLength(64);
    expect([...loads(owners).values()].sort()).toEqual([21, 21, 22]);
    expect(neighbourCollisions(owners)).toBe(0);
  });

  it('splits Q=64 over 5 nodes as 13/13/13/13/12 with no neighbour owning the same node', () => {
    const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const owners = claimPartitions(members, 64);
    expect([...loads(owners).values()].sort()).toEqual([12, 13, 13, 13, 13]);
    expect(new Set(owners)).toEqual(new Set(members));
    expect(neighbourCollisions(owners)).toBe(0);
  });

  it('ignores the order and repetition of the members', () => {
    const owners = claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5'], 64);
    expect(claimPartitions(['n5', 'n3', 'n1', 'n4', 'n2'], 64)).toEqual(owners);
    expect(claimPartitions(['n2', 'n5', 'n2', 'n3', 'n1', 'n4', 'n5'], 64)).toEqual(owners);
  });

  it('gives everything to a single node', () => {
    expect(claimPartitions(['solo'], 8)).toEqual(Array(8).fill('solo'));
  });

  it('leaves some nodes without partitions when there are more nodes than partitions', () => {
    const members = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const owners = claimPartitions(members, 8);
    expect(new Set(owners).size).toBe(8);
    expect(Math.max(...loads(owners).values())).toBe(1);
  });

  it('moves only some partitions when a sixth node joins a 5-node ring', () => {
    const before = claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5'], 64);
    const after = claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'], 64);
    const moved = after.filter((owner, p) => owner !== before[p]).length;
    expect(after.filter((owner) => owner === 'n6').length).toBeGreaterThanOrEqual(10);
    expect(moved).toBeLessThanOrEqual(3 * Math.ceil(64 / 6) + 8 + 3);
  });

  // Every node must compute the same ring, whatever dynkv version it runs: a change to these
  // values is a change to the cluster protocol, not a refactoring.
  it('is pinned: the same members always give the same ring', () => {
    expect(claimWeight('a', 0)).toBe(20965436837823);
    expect(claimPartitions(['a', 'b', 'c'], 8)).toEqual(['c', 'a', 'b', 'a', 'c', 'a', 'b', 'b']);
    expect(claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5'], 16)).toEqual([
      'n2', 'n5', 'n1', 'n3', 'n2', 'n4', 'n5', 'n2', 'n1', 'n3', 'n4', 'n1', 'n2', 'n4', 'n3', 'n5',
    ]);
  });

  it('refuses an empty member set and a partition count out of range', () => {
    expect(() => claimPartitions([], 8)).toThrow(AssertionError);
    expect(() => claimPartitions(['a'], 0)).toThrow(AssertionError);
    expect(() => claimPartitions(['a'], 1.5)).toThrow(AssertionError);
    expect(() => claimPartitions(['a'], 4097)).toThrow(AssertionError);
  });
});

describe('claimCapacity', () => {
  it('is ceil(Q/S)', () => {
    expect(claimCapacity(64, 3)).toBe(22);
    expect(claimCapacity(64, 16)).toBe(4);
    expect(claimCapacity(8, 20)).toBe(1);
  });
});
