import { preferenceList } from '../../../src/ring/preference-list';
import { claimPartitions } from '../../../src/ring/claim';
import { AssertionError } from '../../../src/lib/assert';

const all = () => true;
const except =
  (...down: string[]) =>
  (node: string) =>
    !down.includes(node);
const nodes = (entries: readonly { node: string }[]) => entries.map((entry) => entry.node);

//               0    1    2    3    4    5    6    7
const OWNERS = ['A', 'B', 'A', 'C', 'D', 'B', 'E', 'C'];

describe('preferenceList', () => {
  it('takes the first N distinct owners walking clockwise as primaries', () => {
    const list = preferenceList(OWNERS, 0, 3, all);
    expect(nodes(list.primaries)).toEqual(['A', 'B', 'C']);
    expect(list.primaries.every((entry) => entry.role === 'primary')).toBe(true);
  });

  it('wraps around the end of the ring', () => {
    expect(nodes(preferenceList(OWNERS, 6, 3, all).primaries)).toEqual(['E', 'C', 'A']);
    expect(nodes(preferenceList(OWNERS, 7, 2, all).primaries)).toEqual(['C', 'A']);
  });

  it('lists the remaining distinct owners as fallbacks, in walk order', () => {
    const list = preferenceList(OWNERS, 6, 3, all);
    expect(nodes(list.fallbacks)).toEqual(['B', 'D']);
    expect(list.fallbacks.every((entry) => entry.role === 'fallback')).toBe(true);
  });

  it('targets exactly the primaries when all are usable', () => {
    const list = preferenceList(OWNERS, 6, 3, all);
    expect(list.targets).toEqual([
      { node: 'E', role: 'primary' },
      { node: 'C', role: 'primary' },
      { node: 'A', role: 'primary' },
    ]);
  });

  it('replaces a down primary with the next usable fallback, tagged with whom it stands in for', () => {
    const list = preferenceList(OWNERS, 6, 3, except('C'));
    expect(nodes(list.primaries)).toEqual(['E', 'C', 'A']);
    expect(list.targets).toEqual([
      { node: 'E', role: 'primary' },
      { node: 'A', role: 'primary' },
      { node: 'B', role: 'fallback', standsInFor: 'C' },
    ]);
  });

  it('assigns fallbacks to down primaries in walk order, skipping unusable fallbacks', () => {
    expect(preferenceList(OWNERS, 6, 3, except('E', 'A')).targets).toEqual([
      { node: 'C', role: 'primary' },
      { node: 'B', role: 'fallback', standsInFor: 'E' },
      { node: 'D', role: 'fallback', standsInFor: 'A' },
    ]);
    expect(preferenceList(OWNERS, 6, 3, except('E', 'B')).targets).toEqual([
      { node: 'C', role: 'primary' },
      { node: 'A', role: 'primary' },
      { node: 'D', role: 'fallback', standsInFor: 'E' },
    ]);
  });

  it('returns fewer than N targets when too few nodes are usable', () => {
    expect(preferenceList(OWNERS, 0, 3, except('A', 'B', 'D')).targets).toEqual([
      { node: 'C', role: 'primary' },
      { node: 'E', role: 'fallback', standsInFor: 'A' },
    ]);
    expect(preferenceList(OWNERS, 0, 3, () => false).targets).toEqual([]);
  });

  it('uses every node when the ring has fewer than N distinct nodes', () => {
    const list = preferenceList(['x', 'y', 'x', 'y'], 1, 3, all);
    expect(nodes(list.primaries)).toEqual(['y', 'x']);
    expect(list.fallbacks).toEqual([]);
    expect(nodes(preferenceList(['x', 'y', 'x', 'y'], 1, 3, except('x')).targets)).toEqual(['y']);
  });

  it('asks about each node at most once, and not about fallbacks when every primary is usable', () => {
    const asked: string[] = [];
    const ask = (usable: (node: string) => boolean) => (node: string) => {
      asked.push(node);
      return usable(node);
    };
    const primaries = nodes(preferenceList(OWNERS, 3, 3, all).primaries);
    preferenceList(OWNERS, 3, 3, ask(all));
    expect(asked.sort()).toEqual([...primaries].sort());
    asked.length = 0;
    preferenceList(OWNERS, 3, 3, ask(except(primaries[1]!)));
    expect(asked.sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('gives every partition of a claimed 5-node ring 3 primaries led by its owner, and 2 fallbacks', () => {
    const owners = claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5'], 64);
    for (let partition = 0; partition < 64; partition++) {
      const list = preferenceList(owners, partition, 3, all);
      expect(nodes(list.primaries)).toHaveLength(3);
      expect(nodes(list.fallbacks)).toHaveLength(2);
      expect(nodes(list.primaries)[0]).toBe(owners[partition]);
    }
  });

  it('refuses a partition outside the ring and a replication factor below 1', () => {
    expect(() => preferenceList(OWNERS, 8, 3, all)).toThrow(AssertionError);
    expect(() => preferenceList(OWNERS, -1, 3, all)).toThrow(AssertionError);
    expect(() => preferenceList(OWNERS, 0, 0, all)).toThrow(AssertionError);
    expect(() => preferenceList([], 0, 3, all)).toThrow(AssertionError);
  });
});
