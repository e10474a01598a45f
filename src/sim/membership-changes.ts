import type { SimCluster } from './run-schedule';

/**
 * Membership changes as schedule events (`--membership-changes`): a spare node, created with the
 * cluster but not started, joins through its seeds; and one member does RING LEAVE. At most one
 * of each per schedule. The reader of the final checks (the first node) never leaves. A node
 * that left may later be crashed and restarted by other faults: it then rejoins as a new
 * incarnation, which is what a real restart of a removed node does.
 */
export interface MembershipChanges {
  /** The spare's id while it has not joined. */
  spare: string | undefined;
  left: string | undefined;
}

/** Whether `nodeId` is a spare that has not joined yet (heal and restarts must not start it). */
export function isUnjoinedSpare(changes: MembershipChanges | undefined, nodeId: string): boolean {
  return changes?.spare === nodeId;
}

/** One membership event: join the spare if it is still waiting, else one leave. */
export function changeMembership(cluster: SimCluster, changes: MembershipChanges): void {
  if (changes.spare !== undefined) {
    const spare = cluster.node(changes.spare);
    changes.spare = undefined;
    spare.start();
    cluster.log(`membership: ${spare.nodeId} joins through its seeds`);
    return;
  }
  if (changes.left !== undefined) return;
  const candidates = cluster.nodes.slice(1).filter((n) => n.state === 'up' && n.parts.membership.status === 'up');
  if (candidates.length === 0) return;
  const leaver = candidates[cluster.random.int(candidates.length)]!;
  try {
    leaver.parts.membership.leave();
    changes.left = leaver.nodeId;
    cluster.log(`membership: ${leaver.nodeId} leaves`);
  } catch (err) {
    cluster.log(`membership: ${leaver.nodeId} may not leave (${(err as Error).message})`);
  }
}

/** Without other faults: the spare joins a quarter into the workload, a member leaves at half. */
export async function scriptedMembershipChanges(cluster: SimCluster, workloadMs: number): Promise<void> {
  if (!cluster.membershipChanges) return;
  await cluster.clock.sleep(Math.floor(workloadMs / 4));
  changeMembership(cluster, cluster.membershipChanges);
  await cluster.clock.sleep(Math.floor(workloadMs / 4));
  changeMembership(cluster, cluster.membershipChanges);
}
