/**
 * Who is in the cluster, as gossip spreads it: one entry per node, merged by a join that is
 * commutative, associative and idempotent, so every node that has heard the same gossip (in any
 * order, any number of times) holds the same table.
 *
 * Statuses are MEMBERSHIP, i.e. who owns partitions: `joining` (RING JOIN accepted, data moving
 * in), `up`, `leaving` (RING LEAVE accepted, data moving out), `removed` (gone; the entry stays
 * as a tombstone so stale gossip cannot bring the node back). `suspect` and `down` are not here:
 * they are each node's local view from its failure detector and are never gossiped as membership
 * (DESIGN: "Failure is never a membership change"), so a partitioned or paused node keeps its
 * partitions and hinted handoff covers for it.
 *
 * Who writes an entry. Only a node itself (or a RING command acting for it) changes its status;
 * it bumps `heartbeat` every gossip round so others can feed their failure detectors. A node that
 * comes back after being removed must start a higher `incarnation`, which beats the tombstone.
 *
 * Merge, per node id:
 *  1. the higher incarnation wins (a new life of the node supersedes everything about the old one);
 *  2. at equal incarnation the status further along the lifecycle wins:
 *     removed > leaving > up > joining, so a status, once seen, is never undone by stale gossip;
 *  3. then the higher heartbeat (newer news of the same state);
 *  4. then, for entries no correct node would produce (same incarnation, status and heartbeat but a
 *     different address), the greater address, so the merge stays a join and tables converge.
 *
 * Ownership. The ring is claimed over `membersAfterPendingChanges` = joining + up: a joining node
 * owns its partitions at once and a leaving node stops owning at once; in both cases the nodes
 * that still hold the data hand it over in the background (src/handoff/partition-transfer.ts) and
 * advertise that in `handoff` meanwhile, so read coordinators ask them too. Ownership thus changes
 * exactly once per RING JOIN and once per RING LEAVE. A leaving node that has handed everything
 * over marks itself removed. `owningMembers` (joining + up + leaving) are the nodes that may
 * still hold data of the ring; it is the ring only when every member is leaving.
 *
 * `handoff`: the partitions the node holds records of without being one of their primaries (it is
 * pushing them to the primaries). Only the node writes it, always with a new heartbeat, so two
 * entries with equal incarnation, status and heartbeat never differ in it (it is still compared
 * last, to keep the merge a join on a total order).
 */

export type MemberStatus = 'joining' | 'up' | 'leaving' | 'removed';

export const MEMBER_STATUSES: readonly MemberStatus[] = ['joining', 'up', 'leaving', 'removed'];

export interface MemberEntry {
  readonly nodeId: string;
  /** Where peers and clients reach the node. */
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
  /** Raised by the node when it rejoins after removal; beats every older entry. */
  readonly incarnation: number;
  readonly status: MemberStatus;
  /** Raised by the node every gossip round. */
  readonly heartbeat: number;
  /** Partitions (sorted, distinct) the node holds but hands off to their primaries; absent when none. */
  readonly handoff?: readonly number[];
}

/** node id → entry. A value: functions here return new tables and never mutate their inputs. */
export type MemberTable = ReadonlyMap<string, MemberEntry>;

export const EMPTY_TABLE: MemberTable = new Map();

/** A table of these entries; several entries for one node are merged, so order never matters. */
export function tableOf(entries: Iterable<MemberEntry>): MemberTable {
  const table = new Map<string, MemberEntry>();
  for (const entry of entries) {
    const current = table.get(entry.nodeId);
    table.set(entry.nodeId, current === undefined ? entry : mergeEntries(current, entry));
  }
  return table;
}

/** The join of two tables: every node of either, each entry merged by the rules above. */
export function mergeTables(local: MemberTable, remote: MemberTable): MemberTable {
  const merged = new Map(local);
  for (const [nodeId, theirs] of remote) {
    const ours = merged.get(nodeId);
    merged.set(nodeId, ours === undefined ? theirs : mergeEntries(ours, theirs));
  }
  return merged;
}

/** The entry that wins the merge; returns one of its arguments, never a blend. */
export function mergeEntries(a: MemberEntry, b: MemberEntry): MemberEntry {
  return compareEntries(a, b) >= 0 ? a : b;
}

/** A total order on entries of one node: > 0 when `a` supersedes `b`. */
export function compareEntries(a: MemberEntry, b: MemberEntry): number {
  return (
    a.incarnation - b.incarnation ||
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    a.heartbeat - b.heartbeat ||
    compareText(a.host, b.host) ||
    a.peerPort - b.peerPort ||
    a.clientPort - b.clientPort ||
    compareText((a.handoff ?? []).join(), (b.handoff ?? []).join())
  );
}

const STATUS_RANK: Readonly<Record<MemberStatus, number>> = { joining: 0, up: 1, leaving: 2, removed: 3 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The table with this entry as the node's own word on itself (replaces, does not merge). */
export function withEntry(table: MemberTable, entry: MemberEntry): MemberTable {
  const next = new Map(table);
  next.set(entry.nodeId, entry);
  return next;
}

/** Node ids that own partitions now (joining, up, leaving), sorted: the input of claimPartitions. */
export function owningMembers(table: MemberTable): string[] {
  return idsWhere(table, (status) => status !== 'removed');
}

/** Node ids that will own partitions once every join and leave in flight completes (joining, up). */
export function membersAfterPendingChanges(table: MemberTable): string[] {
  return idsWhere(table, (status) => status === 'joining' || status === 'up');
}

function idsWhere(table: MemberTable, keep: (status: MemberStatus) => boolean): string[] {
  return [...table.values()]
    .filter((entry) => keep(entry.status))
    .map((entry) => entry.nodeId)
    .sort(compareText);
}

/**
 * Nodes whose entry in `after` is newer (higher incarnation or heartbeat) than in `before`: the
 * heartbeat arrivals a merge brought, to `record` in each node's failure detector. A node new to
 * the table counts as an arrival.
 */
export function freshHeartbeats(before: MemberTable, after: MemberTable): string[] {
  const fresh: string[] = [];
  for (const [nodeId, entry] of after) {
    const old = before.get(nodeId);
    if (
      old === undefined ||
      entry.incarnation > old.incarnation ||
      (entry.incarnation === old.incarnation && entry.heartbeat > old.heartbeat)
    ) {
      fresh.push(nodeId);
    }
  }
  return fresh.sort(compareText);
}

/** Every entry, sorted by node id: a canonical order for encoding and display. */
export function entriesOf(table: MemberTable): MemberEntry[] {
  return [...table.values()].sort((a, b) => compareText(a.nodeId, b.nodeId));
}
