/**
 * The preference list of a partition (Dynamo section 4.3, strategy 3): walk the ring clockwise
 * from the partition, wrapping, and list each owner the first time it is met. The first N distinct
 * owners are the primaries; the rest, in walk order, are the fallbacks.
 *
 * `targets` is the sloppy quorum (section 4.6): the replicas a write goes to when some primaries
 * cannot be used. Every usable primary is a target; each unusable primary, in walk order, is
 * replaced by the next usable fallback not yet taken, tagged with the primary it stands in for,
 * so the fallback keeps the write as a hint for that node (hinted handoff). Usable primaries come
 * first, then the stand-ins, as in riak_core's get_apl_ann: the coordinator prefers a real
 * replica. When too few usable fallbacks exist, `targets` is shorter than N and the quorum logic
 * decides whether that is enough.
 *
 * With fewer than N distinct owners in the ring, every owner is a primary and nothing falls back.
 * A node unusable as a primary is never used as anyone's fallback either: `isUsable` is asked once
 * per node and applies to both roles.
 *
 * Pure: the caller passes the owners (from claimPartitions) and its own view of which nodes it
 * can use (the failure detector's up/suspect/down, recent request timeouts).
 */
import { assert } from '../lib/assert';

export interface PreflistEntry {
  readonly node: string;
  readonly role: 'primary' | 'fallback';
  /** For a fallback in `targets`: the primary whose replica it holds (and hints for). */
  readonly standsInFor?: string;
}

export interface PreferenceList {
  /** The first N distinct owners met walking clockwise from the partition. */
  readonly primaries: readonly PreflistEntry[];
  /** Every further distinct owner, in walk order. */
  readonly fallbacks: readonly PreflistEntry[];
  /** Where the replicas go: usable primaries, then one usable fallback per unusable primary. */
  readonly targets: readonly PreflistEntry[];
}

export function preferenceList(
  owners: readonly string[],
  partition: number,
  n: number,
  isUsable: (node: string) => boolean,
): PreferenceList {
  // Messages built only on failure: this runs on every read and write.
  if (owners.length === 0) assert(false, 'a ring has at least one partition');
  if (!(Number.isInteger(partition) && partition >= 0 && partition < owners.length)) assert(false, `partition ${partition} out of range`);
  if (!(Number.isInteger(n) && n >= 1)) assert(false, `replication factor ${n} must be a positive integer`);

  const roles = rolesOf(owners, partition, n);
  const { primaryNodes, fallbackNodes } = roles;
  // The common case, every primary usable: the targets are the primaries (no fallback asked).
  let firstUnusable = 0;
  while (firstUnusable < primaryNodes.length && isUsable(primaryNodes[firstUnusable]!)) firstUnusable++;
  if (firstUnusable === primaryNodes.length) return roles.allUsable;

  // Each node is asked once: the primaries before the first unusable one were already answered.
  const usable = new Map(roles.walk.map((node, i) => [node, i < firstUnusable ? true : i === firstUnusable ? false : isUsable(node)]));
  const targets: PreflistEntry[] = primaryNodes
    .filter((node) => usable.get(node))
    .map((node) => ({ node, role: 'primary' as const }));
  const spare = fallbackNodes.filter((node) => usable.get(node));
  for (const primary of primaryNodes) {
    if (usable.get(primary)) continue;
    const standIn = spare.shift();
    if (standIn === undefined) break;
    targets.push({ node: standIn, role: 'fallback', standsInFor: primary });
  }
  return { primaries: roles.allUsable.primaries, fallbacks: roles.allUsable.fallbacks, targets };
}

/** What a partition's preference list is before liveness is asked: fixed for one owners array. */
interface Roles {
  readonly walk: readonly string[];
  readonly primaryNodes: readonly string[];
  readonly fallbackNodes: readonly string[];
  /** The list when every node is usable (targets = primaries). */
  readonly allUsable: PreferenceList;
}

/**
 * Roles per owners array, partition and N. An owners array is never changed once made (the
 * membership hands out a new one when the ring changes), so the walk (O(Q)) is done once per
 * ring and partition instead of on every request; a dropped ring is collected with its entries.
 */
const rolesCache = new WeakMap<readonly string[], Map<number, Roles>>();

function rolesOf(owners: readonly string[], partition: number, n: number): Roles {
  let byPartition = rolesCache.get(owners);
  if (byPartition === undefined) rolesCache.set(owners, (byPartition = new Map()));
  // partition < 4096 (PARTITIONS_MAX), so partition * 65536 + n cannot collide for any sane N.
  const cacheKey = n * 65536 + partition;
  const cached = byPartition.get(cacheKey);
  if (cached !== undefined) return cached;
  const walk = distinctOwnersFrom(owners, partition);
  const primaryNodes = walk.slice(0, n);
  const fallbackNodes = walk.slice(n);
  const primaries: readonly PreflistEntry[] = primaryNodes.map((node) => ({ node, role: 'primary' }));
  const roles: Roles = {
    walk,
    primaryNodes,
    fallbackNodes,
    allUsable: { primaries, fallbacks: fallbackNodes.map((node) => ({ node, role: 'fallback' })), targets: primaries },
  };
  byPartition.set(cacheKey, roles);
  return roles;
}

/** Each owner once, in the order met walking clockwise from `partition` (wrapping). */
function distinctOwnersFrom(owners: readonly string[], partition: number): string[] {
  const seen = new Set<string>();
  for (let step = 0; step < owners.length; step++) {
    seen.add(owners[(partition + step) % owners.length]!);
  }
  return [...seen];
}
