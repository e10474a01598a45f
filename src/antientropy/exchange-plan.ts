/**
 * Which partition, and which peer, the next anti-entropy exchange is with (pure).
 *
 * The scheduler walks partitions round robin from a cursor and takes the next one this node is a
 * primary of (first N distinct owners walking the ring, as ring/preference-list.ts). The peer is one of
 * the partition's other primaries, taken in rotation (a per-partition turn counter), skipping
 * those the caller cannot use now; so over successive cycles every pair of primaries compares.
 */
export interface PlanInput {
  /** Owner of every partition (index = partition). */
  readonly owners: readonly string[];
  readonly selfId: string;
  readonly n: number;
  /** Look from this partition on (wrapping). */
  readonly fromPartition: number;
  /** Exchanges done so far for a partition: picks whose turn it is among its peers. */
  readonly turnOf: (partition: number) => number;
  readonly isUsable: (node: string) => boolean;
}

export interface PlannedExchange {
  readonly partition: number;
  readonly peer: string;
}

/** A primary partition of this node with no usable peer: skipped this time. */
export interface SkippedPartition {
  readonly partition: number;
  readonly peer: undefined;
}

/**
 * The first partition at or after `fromPartition` (wrapping once) that this node is a primary
 * of and that has other primaries, with the peer for it (undefined when none is usable now).
 * Undefined when this node is no partition's primary alongside another node.
 */
export function planNextExchange(input: PlanInput): PlannedExchange | SkippedPartition | undefined {
  const count = input.owners.length;
  for (let step = 0; step < count; step++) {
    const partition = (input.fromPartition + step) % count;
    const peers = peersOf(input.owners, partition, input.n, input.selfId);
    if (peers === undefined || peers.length === 0) continue;
    const turn = input.turnOf(partition);
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[(turn + i) % peers.length]!;
      if (input.isUsable(peer)) return { partition, peer };
    }
    return { partition, peer: undefined };
  }
  return undefined;
}

/**
 * The other primaries of `partition` if this node is one of its primaries, else undefined. The
 * primaries are preferenceList's (the first N distinct owners walking clockwise); this walk stops
 * once it has them, so a scan over all partitions stays cheap with many partitions.
 */
export function peersOf(owners: readonly string[], partition: number, n: number, selfId: string): string[] | undefined {
  const primaries: string[] = [];
  for (let step = 0; step < owners.length && primaries.length < n; step++) {
    const owner = owners[(partition + step) % owners.length]!;
    if (!primaries.includes(owner)) primaries.push(owner);
  }
  if (!primaries.includes(selfId)) return undefined;
  return primaries.filter((node) => node !== selfId);
}
