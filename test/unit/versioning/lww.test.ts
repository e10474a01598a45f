import type { Sibling, Version } from '../../../src/versioning/dvvset';
import { compareDots, isLive, pickWinner } from '../../../src/versioning/lww';

function sibling(actor: string, counter: number, timestampMs: number, tombstone = false): Sibling {
  const version: Version = { data: Buffer.from(`${actor}${counter}`), tombstone, timestampMs, expiresAtMs: 0 };
  return { dot: { actor, counter }, version };
}

describe('pickWinner', () => {
  it('returns undefined for no siblings and the only one for one', () => {
    expect(pickWinner([])).toBeUndefined();
    const only = sibling('a', 1, 10);
    expect(pickWinner([only])).toBe(only);
  });

  it('picks the highest timestamp', () => {
    const newest = sibling('a', 1, 30);
    expect(pickWinner([sibling('z', 9, 10), newest, sibling('b', 2, 20)])).toBe(newest);
  });

  it('breaks timestamp ties by the greater actor (byte order), then the greater counter', () => {
    const winner = sibling('b', 1, 10);
    expect(pickWinner([sibling('a', 7, 10), winner])).toBe(winner);
    expect(pickWinner([winner, sibling('a', 7, 10)])).toBe(winner);
    const later = sibling('a', 3, 10);
    expect(pickWinner([later, sibling('a', 2, 10)])).toBe(later);
    expect(pickWinner([sibling('a', 2, 10), later])).toBe(later);
  });

  it('lets a tombstone win like any version', () => {
    const dead = sibling('a', 2, 50, true);
    expect(pickWinner([sibling('b', 1, 40), dead])).toBe(dead);
  });

  it('compareDots orders actors by UTF-8 bytes', () => {
    expect(compareDots({ actor: '\u{1F600}', counter: 1 }, { actor: '\uFFFD', counter: 9 })).toBeGreaterThan(0);
    expect(compareDots({ actor: 'a', counter: 1 }, { actor: 'a', counter: 1 })).toBe(0);
  });
});

describe('isLive', () => {
  const base: Version = { data: Buffer.from('x'), tombstone: false, timestampMs: 1, expiresAtMs: 0 };

  it('is false for tombstones and for versions at or past their deadline', () => {
    expect(isLive(base, 100)).toBe(true);
    expect(isLive({ ...base, tombstone: true }, 100)).toBe(false);
    expect(isLive({ ...base, expiresAtMs: 101 }, 100)).toBe(true);
    expect(isLive({ ...base, expiresAtMs: 100 }, 100)).toBe(false);
    expect(isLive({ ...base, expiresAtMs: 99 }, 100)).toBe(false);
  });
});
