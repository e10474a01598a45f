import fc from 'fast-check';
import {
  DEFAULT_TRANSFER_LIMITS,
  advanceCursor,
  afterPassEnd,
  batchAcknowledged,
  droppable,
  fitsInBatch,
  leaveComplete,
  nextHandoff,
  planHandoffs,
  primariesByPartition,
} from '../../../src/handoff/transfer-plan';
import { claimPartitions } from '../../../src/ring/claim';

const ids = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 1, maxLength: 7 });

describe('planHandoffs', () => {
  it('is exactly the held partitions this node is not a primary of, each to its primaries (property)', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 3 }), fc.constantFrom(8, 16, 64), fc.array(fc.nat(63)), (members, n, q, heldRaw) => {
        const owners = claimPartitions(members, q);
        const primaries = primariesByPartition(owners, n);
        const self = members[0]!;
        const held = heldRaw.filter((p) => p < q);
        const plan = planHandoffs(self, primaries, held);
        const expected = [...new Set(held)].filter((p) => !primaries[p]!.includes(self)).sort((a, b) => a - b);
        expect(plan.map((h) => h.partition)).toEqual(expected);
        for (const h of plan) {
          expect(h.targets).toEqual(primaries[h.partition]);
          expect(h.targets).not.toContain(self);
          expect(h.targets.length).toBe(Math.min(n, new Set(owners).size));
        }
      }),
    );
  });

  it('after a join, the partitions the newcomer now owns are handed off by nodes that lost them', () => {
    const before = claimPartitions(['a', 'b', 'c'], 64);
    const after = claimPartitions(['a', 'b', 'c', 'd'], 64);
    const oldPrimaries = primariesByPartition(before, 3);
    const newPrimaries = primariesByPartition(after, 3);
    // With N=3 of 3 nodes, every node held every partition.
    const plan = planHandoffs('a', newPrimaries, oldPrimaries.map((_, p) => p));
    expect(plan.length).toBeGreaterThan(0);
    for (const h of plan) expect(h.targets).toContain('d');
  });
});

describe('nextHandoff', () => {
  const plan = [
    { partition: 1, targets: ['x', 'y'] },
    { partition: 4, targets: ['y', 'z'] },
    { partition: 9, targets: ['z', 'w'] },
  ];
  const up = () => true;

  it('takes partitions round robin after the last one, wrapping', () => {
    expect(nextHandoff(plan, -1, up, new Set())?.partition).toBe(1);
    expect(nextHandoff(plan, 1, up, new Set())?.partition).toBe(4);
    expect(nextHandoff(plan, 9, up, new Set())?.partition).toBe(1);
  });

  it('keeps one batch per target: a busy target holds back only its partitions', () => {
    expect(nextHandoff(plan, -1, up, new Set(['x']))?.partition).toBe(4);
    expect(nextHandoff(plan, -1, up, new Set(['y']))?.partition).toBe(9);
    expect(nextHandoff(plan, -1, up, new Set(['y', 'z']))).toBeUndefined();
  });

  it('a down target stalls only the partitions it is a primary of', () => {
    expect(nextHandoff(plan, -1, (node) => node !== 'y', new Set())?.partition).toBe(9);
  });
});

describe('batches', () => {
  it('cut by records and bytes, but a lone record always goes', () => {
    const limits = { recordsPerBatchMax: 2, bytesPerBatchMax: 100 };
    expect(fitsInBatch(0, 0, 10_000, limits)).toBe(true);
    expect(fitsInBatch(1, 50, 50, limits)).toBe(true);
    expect(fitsInBatch(1, 50, 51, limits)).toBe(false);
    expect(fitsInBatch(2, 2, 1, limits)).toBe(false);
    expect(DEFAULT_TRANSFER_LIMITS.recordsPerBatchMax).toBeGreaterThan(0);
  });

  it('count only when every target acknowledged (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 5 }), fc.array(fc.string()), (targets, acks) => {
        const acked = new Set(acks);
        expect(batchAcknowledged(targets, acked)).toBe(targets.length > 0 && targets.every((t) => acked.has(t)));
      }),
    );
    expect(batchAcknowledged(['a', 'b'], new Set(['a']))).toBe(false);
    expect(batchAcknowledged([], new Set())).toBe(false);
  });

  it('drop only records unchanged since sent', () => {
    const sent = [{ key: 'a' }, { key: 'b' }, { key: 'c' }];
    expect(droppable(sent, (r) => r.key !== 'b').map((r) => r.key)).toEqual(['a', 'c']);
  });
});

describe('cursor and completion', () => {
  it('the cursor never moves back (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 4 }), { minLength: 1 }), (keys) => {
        let cursor: Buffer | undefined;
        for (const key of keys) {
          const next = advanceCursor(cursor, Buffer.from(key));
          if (cursor !== undefined) expect(Buffer.compare(next, cursor)).toBeGreaterThanOrEqual(0);
          expect(Buffer.compare(next, Buffer.from(key))).toBeGreaterThanOrEqual(0);
          cursor = next;
        }
      }),
    );
  });

  it('a pass that ended restarts while records remain, and is done when none do', () => {
    expect(afterPassEnd(true)).toBe('restart');
    expect(afterPassEnd(false)).toBe('done');
  });

  it('a leave completes only with nothing to hand off and no hints held', () => {
    expect(leaveComplete('leaving', [], 0)).toBe(true);
    expect(leaveComplete('leaving', [{ partition: 1, targets: ['x'] }], 0)).toBe(false);
    expect(leaveComplete('leaving', [], 3)).toBe(false);
    expect(leaveComplete('up', [], 0)).toBe(false);
  });
});
