import type { Random } from '../../../src/lib/random';
import { SeededRandom } from '../../../src/lib/random';
import { SEED_EVERY_ROUNDS, chooseGossipTargets, peerAddress, type GossipRoundInput } from '../../../src/membership/gossip-round';
import { tableOf, type MemberEntry } from '../../../src/membership/member-table';
import type { Liveness } from '../../../src/membership/phi-accrual';

function entry(nodeId: string, peerPort: number, fields: Partial<MemberEntry> = {}): MemberEntry {
  const clientPort = peerPort - 10000;
  return { nodeId, host: '10.0.0.1', peerPort, clientPort, incarnation: 1, status: 'up', heartbeat: 1, ...fields };
}

/** Answers draws from scripts, so a test states exactly which choice each draw makes. */
class ScriptedRandom implements Random {
  constructor(
    private readonly floats: number[],
    private readonly ints: number[] = [],
  ) {}
  float(): number {
    return this.floats.shift() ?? 0.999;
  }
  int(maxExclusive: number): number {
    const next = this.ints.shift() ?? 0;
    if (next >= maxExclusive) throw new Error(`scripted ${next} >= ${maxExclusive}`);
    return next;
  }
  bytes(): Buffer {
    throw new Error('not used');
  }
}

const SELF = entry('self', 16379);
const A = entry('a', 16380);
const B = entry('b', 16381);
const C = entry('c', 16382);
const SEEDS = ['10.0.0.1:16379', '10.0.0.9:16379'];

function input(fields: Partial<GossipRoundInput> & { down?: string[] }): GossipRoundInput {
  const down = new Set(fields.down ?? []);
  return {
    selfId: 'self',
    table: tableOf([SELF, A, B, C]),
    seeds: SEEDS,
    livenessOf: (nodeId): Liveness => (down.has(nodeId) ? 'down' : 'up'),
    round: 1,
    ...fields,
  };
}

describe('chooseGossipTargets', () => {
  it('picks one random live peer in a healthy cluster off the seed cadence', () => {
    expect(chooseGossipTargets(input({}), new ScriptedRandom([], [1]))).toEqual([
      { address: peerAddress(B), nodeId: 'b', reason: 'peer' },
    ]);
  });

  it('never picks itself, a removed member or a down member as the peer', () => {
    const table = tableOf([SELF, A, entry('b', 16381, { status: 'removed' }), C]);
    const random = new SeededRandom(3);
    for (let round = 1; round < 200; round++) {
      if (round % SEED_EVERY_ROUNDS === 0) continue;
      const targets = chooseGossipTargets(input({ table, round, down: ['c'] }), random);
      const peer = targets.find((target) => target.reason === 'peer');
      expect(peer?.nodeId).toBe('a');
    }
  });

  it('gossips with a suspect peer (suspicion is not conviction)', () => {
    const table = tableOf([SELF, A]);
    const targets = chooseGossipTargets(input({ table, livenessOf: () => 'suspect' }), new ScriptedRandom([]));
    expect(targets).toEqual([{ address: peerAddress(A), nodeId: 'a', reason: 'peer' }]);
  });

  it('asks a seed every SEED_EVERY_ROUNDS-th round, never its own address', () => {
    const targets = chooseGossipTargets(input({ round: 2 * SEED_EVERY_ROUNDS }), new ScriptedRandom([], [0, 0]));
    expect(targets).toEqual([
      { address: peerAddress(A), nodeId: 'a', reason: 'peer' },
      { address: '10.0.0.9:16379', reason: 'seed' },
    ]);
  });

  it('asks a seed whenever it knows no live peer', () => {
    const alone = tableOf([SELF]);
    expect(chooseGossipTargets(input({ table: alone, round: 3 }), new ScriptedRandom([], [0]))).toEqual([
      { address: '10.0.0.9:16379', reason: 'seed' },
    ]);
  });

  it('probes a down member with probability down / (live + 1) and asks a seed with down / (live + down)', () => {
    // live: a, b (2); down: c (1). Probe if float < 1/3; seed if float < 1/3.
    const yes = chooseGossipTargets(input({ down: ['c'] }), new ScriptedRandom([0.3, 0.3], [0, 0, 0]));
    expect(yes).toEqual([
      { address: peerAddress(A), nodeId: 'a', reason: 'peer' },
      { address: peerAddress(C), nodeId: 'c', reason: 'down-probe' },
      { address: '10.0.0.9:16379', reason: 'seed' },
    ]);
    const no = chooseGossipTargets(input({ down: ['c'] }), new ScriptedRandom([0.34, 0.34], [0]));
    expect(no).toEqual([{ address: peerAddress(A), nodeId: 'a', reason: 'peer' }]);
  });

  it('does not pick a seed already chosen as the peer, and never repeats an address', () => {
    const seedMember = entry('s', 16379, { host: '10.0.0.9' });
    const table = tableOf([SELF, seedMember]);
    const targets = chooseGossipTargets(input({ table, round: 0 }), new ScriptedRandom([], [0, 0]));
    expect(targets).toEqual([{ address: '10.0.0.9:16379', nodeId: 's', reason: 'peer' }]);
  });

  it('does nothing when it knows nobody and has no seeds', () => {
    expect(chooseGossipTargets(input({ table: tableOf([SELF]), seeds: [] }), new ScriptedRandom([]))).toEqual([]);
  });

  it('chooses the same targets from the same seed whatever order the table was built in', () => {
    const forward = tableOf([SELF, A, B, C]);
    const backward = tableOf([C, B, A, SELF]);
    for (let round = 0; round < 30; round++) {
      expect(chooseGossipTargets(input({ table: forward, round, down: ['b'] }), new SeededRandom(round))).toEqual(
        chooseGossipTargets(input({ table: backward, round, down: ['b'] }), new SeededRandom(round)),
      );
    }
  });

  it('spreads its choice over all live peers', () => {
    const random = new SeededRandom(11);
    const counts = new Map<string, number>();
    for (let round = 0; round < 3000; round++) {
      const peer = chooseGossipTargets(input({ round }), random).find((target) => target.reason === 'peer');
      counts.set(peer!.nodeId!, (counts.get(peer!.nodeId!) ?? 0) + 1);
    }
    for (const node of ['a', 'b', 'c']) expect(counts.get(node)).toBeGreaterThan(850);
  });
});
