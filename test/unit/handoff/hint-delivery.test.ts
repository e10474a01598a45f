import type { ClusterView } from '../../../src/coordinator/cluster-view';
import type { ReplicaClient } from '../../../src/coordinator/replica-client';
import { HintDelivery } from '../../../src/handoff/hint-delivery';
import { BackgroundBudget } from '../../../src/overload/background-budget';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { HintStore } from '../../../src/replica/hint-store';
import { MemoryStore } from '../../../src/storage/memory-store';
import { DvvSet, EMPTY_DVVSET, join, update } from '../../../src/versioning/dvvset';

const write = (base: DvvSet, text: string, ms: number) => update(base, join(base), 'n-a.1', { data: Buffer.from(text), tombstone: false, timestampMs: ms, expiresAtMs: 0 }, ms);

function setup(usable: boolean) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const hints = new HintStore(store, createSilentLogger());
  const sent: Array<{ node: string; key: string; resolve: () => void; reject: (err: Error) => void }> = [];
  const replicas = {
    write: (target: { node: string }, _partition: number, key: Buffer) =>
      new Promise<void>((resolve, reject) => sent.push({ node: target.node, key: key.toString(), resolve, reject })),
  } as unknown as ReplicaClient;
  const view: ClusterView = { selfId: 'n-self', owners: () => [], addressOf: () => undefined, isUsable: () => usable };
  const commit = async () => {
    const done = store.commit();
    clock.runDeferred();
    await done;
  };
  const delivery = new HintDelivery({ hints, replicas, view, clock, logger: createSilentLogger(), intervalMs: 1000, batchMax: 10, commit, budget: new BackgroundBudget(() => 0) });
  return { hints, sent, delivery, commit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('nothing is sent to a target that is not up', async () => {
  const { hints, sent, delivery, commit } = setup(false);
  hints.add('n-down', 1, Buffer.from('k'), write(EMPTY_DVVSET, 'v', 1));
  await commit();
  await delivery.round();
  expect(sent).toHaveLength(0);
});

test('an acknowledged hint is deleted; a refused one stays; one that grew in flight stays', async () => {
  const { hints, sent, delivery, commit } = setup(true);
  const first = write(EMPTY_DVVSET, 'one', 1);
  for (const key of ['acked', 'refused', 'grew']) hints.add('n-back', 1, Buffer.from(key), first);
  await commit();
  const round = delivery.round();
  await settle();
  expect(sent.map((s) => s.key).sort()).toEqual(['acked', 'grew', 'refused']);
  // A newer write merges into one hint while its delivery is in flight.
  hints.add('n-back', 1, Buffer.from('grew'), write(first, 'two', 2));
  for (const s of sent) {
    if (s.key === 'refused') s.reject(new Error('timeout'));
    else s.resolve();
  }
  await round;
  expect([...hints.pending()]).toEqual([['n-back', 2]]);
  expect(hints.read('n-back', 1, Buffer.from('acked'))).toEqual(EMPTY_DVVSET);
  expect(delivery.delivered).toBe(1);
  expect(delivery.failed).toBe(1);
});
