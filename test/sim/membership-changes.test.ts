/**
 * Partition transfer in the simulator: a node joins and a member leaves while clients write, and
 * every checker (no acknowledged write lost, W honoured, convergence of the primaries, deletes
 * stay deleted...) still holds once the cluster settled.
 */
import { DEFAULT_SCHEDULE, runSchedule } from '../../src/sim/run-schedule';

describe('membership changes under a workload', () => {
  it('a node joins and another leaves: no violation, the leaver ends removed and empty, everyone else agrees', async () => {
    for (const seed of [1, 2, 3]) {
      let inspected = false;
      const result = await runSchedule({
        ...DEFAULT_SCHEDULE,
        seed,
        faults: false,
        membershipChanges: true,
        workloadMs: 60_000,
        keep: (line) => line.includes('membership:'),
        inspect: (cluster) => {
          inspected = true;
          const leaver = cluster.nodes.find((n) => n.parts.membership.status === 'removed');
          expect(leaver).toBeDefined();
          let held = 0;
          leaver!.store.scan('data', {}, () => (held++, true));
          expect(held).toBe(0);
          const members = cluster.nodes.filter((n) => n !== leaver);
          for (const node of members) {
            expect(node.parts.membership.owners()).not.toContain(leaver!.nodeId);
            expect(node.parts.transfer.transfers()).toEqual([]);
          }
          // Every member but the leaver (which may be the spare that joined) owns a share of the ring.
          const owners = new Set(cluster.nodes[0]!.parts.membership.owners());
          expect([...owners].sort()).toEqual(members.map((n) => n.nodeId).sort());
          const sent = cluster.nodes.reduce((sum, n) => sum + n.parts.transfer.stats.recordsSent, 0);
          expect(sent).toBeGreaterThan(0);
        },
      });
      expect(result.violations).toEqual([]);
      expect(inspected).toBe(true);
      expect(result.kept.filter((line) => line.includes('joins'))).toHaveLength(1);
      expect(result.kept.filter((line) => / leaves$/.test(line))).toHaveLength(1);
      expect(result.summary).toMatch(/acked [1-9]/);
    }
  });

  it('randomized schedules with joins and leaves among the faults find no violation, and replay exactly', async () => {
    const events: string[] = [];
    const exercised = () => events.filter((line) => line.includes('joins')).length >= 2 && events.some((line) => / leaves$/.test(line));
    // Seeds from 1 until both changes happened (a change is one fault in 15, and a leave needs a second one).
    for (let seed = 1; seed <= 40 && !exercised(); seed++) {
      const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed, membershipChanges: true, workloadMs: 60_000, keep: (line) => line.includes('membership:') });
      expect(result.violations).toEqual([]);
      events.push(...result.kept);
    }
    expect(events.filter((line) => line.includes('joins')).length).toBeGreaterThanOrEqual(2);
    expect(events.filter((line) => / leaves$/.test(line)).length).toBeGreaterThanOrEqual(1);
    const first = await runSchedule({ ...DEFAULT_SCHEDULE, seed: 9, membershipChanges: true, workloadMs: 30_000 });
    const again = await runSchedule({ ...DEFAULT_SCHEDULE, seed: 9, membershipChanges: true, workloadMs: 30_000 });
    expect(again.digest).toBe(first.digest);
  });
});
