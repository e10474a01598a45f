import { peersOf, planNextExchange } from '../../../src/antientropy/exchange-plan';
import { isReapable } from '../../../src/replica/record-schedule';
import { repairDecision } from '../../../src/antientropy/repair-decision';
import { claimPartitions } from '../../../src/ring/claim';
import { preferenceList } from '../../../src/ring/preference-list';
import { EMPTY_DVVSET, update } from '../../../src/versioning/dvvset';

const owners = claimPartitions(['n1', 'n2', 'n3', 'n4', 'n5'], 64);

test('peersOf agrees with the preference list primaries', () => {
  for (let partition = 0; partition < 64; partition++) {
    const primaries = preferenceList(owners, partition, 3, () => true).primaries.map((e) => e.node);
    for (const self of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      expect(peersOf(owners, partition, 3, self)).toEqual(primaries.includes(self) ? primaries.filter((n) => n !== self) : undefined);
    }
  }
});

test('walking the plan covers every primary partition once per pass, rotating peers and skipping unusable ones', () => {
  const turns = new Map<number, number>();
  const seen: Array<{ partition: number; peer: string | undefined }> = [];
  let cursor = 0;
  for (let i = 0; i < 200; i++) {
    const plan = planNextExchange({ owners, selfId: 'n1', n: 3, fromPartition: cursor % 64, turnOf: (p) => turns.get(p) ?? 0, isUsable: (node) => node !== 'n4' });
    if (!plan) throw new Error('n1 is a primary of some partitions');
    seen.push(plan);
    turns.set(plan.partition, (turns.get(plan.partition) ?? 0) + 1);
    cursor = plan.partition + 1;
  }
  const mine = Array.from({ length: 64 }, (_, p) => p).filter((p) => peersOf(owners, p, 3, 'n1') !== undefined);
  expect(seen.slice(0, mine.length).map((s) => s.partition)).toEqual(mine);
  expect(seen.every((s) => s.peer !== 'n4')).toBe(true);
  // A partition whose peers are both usable alternates between them.
  const partition = mine.find((p) => !peersOf(owners, p, 3, 'n1')!.includes('n4'))!;
  const peers = seen.filter((s) => s.partition === partition).map((s) => s.peer);
  expect(new Set(peers.slice(0, 2))).toEqual(new Set(peersOf(owners, partition, 3, 'n1')));
});

test('a node that is nobody\'s primary alongside another plans nothing', () => {
  expect(planNextExchange({ owners: claimPartitions(['solo'], 8), selfId: 'solo', n: 3, fromPartition: 0, turnOf: () => 0, isUsable: () => true })).toBeUndefined();
});

test('repairDecision: merge both ways; never copy a reapable record onto a missing key', () => {
  const v = (data: string, tombstone: boolean, timestampMs: number) => ({ data: Buffer.from(data), tombstone, timestampMs, expiresAtMs: 0 });
  const nowMs = 100_000;
  const grace = 1000;
  const value = update(EMPTY_DVVSET, new Map(), 'a', v('x', false, 1), 1);
  const deadTombstone = update(value, new Map([['a', 1]]), 'a', v('', true, 10), 10);
  const freshTombstone = update(value, new Map([['a', 1]]), 'a', v('', true, nowMs), nowMs);
  expect(isReapable(deadTombstone, nowMs, grace)).toBe(true);
  expect(isReapable(freshTombstone, nowMs, grace)).toBe(false);
  expect(repairDecision(EMPTY_DVVSET, deadTombstone, nowMs, grace)).toEqual({});
  expect(repairDecision(deadTombstone, EMPTY_DVVSET, nowMs, grace)).toEqual({});
  expect(repairDecision(EMPTY_DVVSET, freshTombstone, nowMs, grace)).toEqual({ local: freshTombstone });
  expect(repairDecision(freshTombstone, EMPTY_DVVSET, nowMs, grace)).toEqual({ push: freshTombstone });
  // The side with the stale value gets the tombstone, reapable or not.
  expect(repairDecision(deadTombstone, value, nowMs, grace)).toEqual({ push: deadTombstone });
  expect(repairDecision(value, deadTombstone, nowMs, grace)).toEqual({ local: deadTombstone });
  expect(repairDecision(value, value, nowMs, grace)).toEqual({});
});
