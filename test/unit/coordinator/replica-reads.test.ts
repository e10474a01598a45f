/**
 * Read quorums ask R targets first (this node's own copy first), the next target when one fails,
 * and every remaining one when no quorum came within SPECULATIVE_READ_MS; a write's read asks all.
 */
import bunyan from 'bunyan';
import { drainMicrotasks, ManualClock } from '../../../src/lib/clock';
import { NO_BREAKS } from '../../../src/lib/breaks';
import type { ReplicaClient } from '../../../src/coordinator/replica-client';
import { ReplicaReads, SPECULATIVE_READ_MS } from '../../../src/coordinator/replica-reads';
import type { PreflistEntry } from '../../../src/ring/preference-list';
import { EMPTY_DVVSET, type DvvSet } from '../../../src/versioning/dvvset';

const targets: PreflistEntry[] = [
  { node: 'a', role: 'primary' },
  { node: 'self', role: 'primary' },
  { node: 'c', role: 'primary' },
];

/** Remote reads that settle only when the test says so. */
function harness() {
  const clock = new ManualClock();
  const asked: string[] = [];
  const pending = new Map<string, { resolve: (set: DvvSet) => void; reject: (err: Error) => void }>();
  const replicas = {
    read: (target: PreflistEntry) => {
      asked.push(target.node);
      return new Promise<DvvSet>((resolve, reject) => pending.set(target.node, { resolve, reject }));
    },
    write: () => Promise.resolve(),
  } as unknown as ReplicaClient;
  const reads = new ReplicaReads({
    view: { selfId: 'self', owners: () => [], addressOf: () => undefined, isUsable: () => true },
    replicas,
    flush: { current: 0 },
    logger: bunyan.createLogger({ name: 'test', level: 'fatal' }),
    breaks: NO_BREAKS,
    clock,
    readLocal: () => EMPTY_DVVSET,
    writeLocal: () => Promise.resolve(),
  });
  return { clock, asked, pending, reads };
}

describe('ReplicaReads.quorumRead', () => {
  test('R = 2 asks this node and one other; the third is never asked when both answer', async () => {
    const { asked, pending, reads } = harness();
    const read = reads.quorumRead(Buffer.from('k'), 0, targets, 2, 'R');
    expect(asked).toEqual(['a']);
    pending.get('a')!.resolve(EMPTY_DVVSET);
    await expect(read).resolves.toBe(EMPTY_DVVSET);
    expect(asked).toEqual(['a']);
  });

  test('a target that fails is replaced by the next one', async () => {
    const { asked, pending, reads } = harness();
    const read = reads.quorumRead(Buffer.from('k'), 0, targets, 2, 'R');
    pending.get('a')!.reject(new Error('down'));
    await drainMicrotasks();
    expect(asked).toEqual(['a', 'c']);
    pending.get('c')!.resolve(EMPTY_DVVSET);
    await expect(read).resolves.toBe(EMPTY_DVVSET);
  });

  test('no quorum within SPECULATIVE_READ_MS: the remaining targets are asked too', async () => {
    const { clock, asked, pending, reads } = harness();
    const read = reads.quorumRead(Buffer.from('k'), 0, targets, 2, 'R');
    clock.advance(SPECULATIVE_READ_MS - 1);
    expect(asked).toEqual(['a']);
    clock.advance(1);
    expect(asked).toEqual(['a', 'c']);
    pending.get('c')!.resolve(EMPTY_DVVSET);
    await expect(read).resolves.toBe(EMPTY_DVVSET);
  });

  test("a write's read (W) asks every target at once", () => {
    const { asked, reads } = harness();
    void reads.quorumRead(Buffer.from('k'), 0, targets, 1, 'W').catch(() => undefined);
    expect(asked).toEqual(['a', 'c']);
  });
});
