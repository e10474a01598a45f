/**
 * What anti-entropy does with one key whose replicas differ (pure). `local` is this node's
 * record, `remote` the peer's (EMPTY_DVVSET when absent).
 *
 * - Both hold something: both end with sync(local, remote) (the DVV merge, so nothing either side
 *   holds is lost and superseded versions go): write it here if it differs from `local`, push it
 *   if it differs from `remote`. This holds even when the merge is reapable (a tombstone past
 *   grace): the side holding an older live value must get the tombstone, or reaping the tombstone
 *   elsewhere would let that value come back.
 * - One side lacks the key: copy the other's record over, unless it is reapable. A missing key
 *   next to a reapable record is most likely one the reaper already removed there; copying it
 *   back would undo the reaping (and the reaper removes the remaining copy once every replica
 *   holds it, or has dropped it).
 */
import { isReapable } from '../replica/record-schedule';
import { DvvSet, equalSets, sync } from '../versioning/dvvset';

export interface RepairDecision {
  /** Write this as the local record (it descends `local`). */
  readonly local?: DvvSet;
  /** Send this to the peer (a ReplicaWrite, which it merges into its record). */
  readonly push?: DvvSet;
}

export function repairDecision(local: DvvSet, remote: DvvSet, nowMs: number, tombstoneGraceMs: number): RepairDecision {
  const hasLocal = local.entries.length > 0;
  const hasRemote = remote.entries.length > 0;
  if (!hasLocal && !hasRemote) return {};
  if (!hasLocal) return isReapable(remote, nowMs, tombstoneGraceMs) ? {} : { local: remote };
  if (!hasRemote) return isReapable(local, nowMs, tombstoneGraceMs) ? {} : { push: local };
  const merged = sync(local, remote);
  return {
    ...(equalSets(merged, local) ? {} : { local: merged }),
    ...(equalSets(merged, remote) ? {} : { push: merged }),
  };
}
