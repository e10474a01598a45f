/**
 * Whom to gossip with this round (DESIGN "Membership": every second with a random peer, and a
 * seed now and then). The decision is pure: the shell passes the table, the seeds, its failure
 * detectors' view and a Random, and exchanges tables (push-pull) with the targets returned.
 *
 * The rules follow Cassandra's Gossiper, with a fixed seed cadence added:
 *  1. One random LIVE peer: a member other than this node, not removed, whose liveness is up or
 *     suspect (suspect is not yet a conviction, and gossip is how it may clear itself).
 *  2. A DOWN probe, with probability down / (live + 1): one random member this node thinks down.
 *     A down node that came back is otherwise never contacted, and its news would only reach us
 *     through others; with many down and few live nodes the probe is near certain.
 *  3. A SEED, when any of these holds:
 *     - there is no live peer (a node starting up, or cut off from everyone it knew);
 *     - every SEED_EVERY_ROUNDS-th round: two halves of a cluster that each believe the other
 *       down stop gossiping across, and the seeds, known to all, are the bridge that heals the
 *       split; a fixed cadence bounds how long that takes (10 rounds ~ 10 s);
 *     - with probability down / (live + down): the larger the part of the view that is down, the
 *       likelier this node is on the small side of a partition, so it asks a seed sooner.
 *     Seeds are `host:peerPort` addresses (the --seeds flag); this node's own address is skipped,
 *     and so is a seed already chosen as the peer or probe (the seed is picked among the others).
 * Targets never repeat an address.
 */
import type { Random } from '../lib/random';
import type { Liveness } from './phi-accrual';
import type { MemberEntry, MemberTable } from './member-table';

/** A seed is asked at least this often (in rounds) even when all looks well. */
export const SEED_EVERY_ROUNDS = 10;

export interface GossipRoundInput {
  readonly selfId: string;
  readonly table: MemberTable;
  /** `host:peerPort` of each seed, as configured. */
  readonly seeds: readonly string[];
  /** This node's failure-detector view of a peer. */
  readonly livenessOf: (nodeId: string) => Liveness;
  /** The round number, counting from 0; drives the seed cadence. */
  readonly round: number;
}

export type GossipReason = 'peer' | 'down-probe' | 'seed';

export interface GossipTarget {
  /** `host:peerPort` */
  readonly address: string;
  /** Known for members, absent for a seed (its id is learned from the exchange). */
  readonly nodeId?: string;
  readonly reason: GossipReason;
}

export function peerAddress(entry: Pick<MemberEntry, 'host' | 'peerPort'>): string {
  return `${entry.host}:${entry.peerPort}`;
}

export function chooseGossipTargets(input: GossipRoundInput, random: Random): GossipTarget[] {
  const { selfId, table, seeds, livenessOf, round } = input;
  const self = table.get(selfId);
  const selfAddress = self === undefined ? undefined : peerAddress(self);
  // Sorted so the same Random draws pick the same peers whatever the table's insertion order.
  const others = [...table.values()]
    .filter((entry) => entry.nodeId !== selfId && entry.status !== 'removed')
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  const live = others.filter((entry) => livenessOf(entry.nodeId) !== 'down');
  const down = others.filter((entry) => livenessOf(entry.nodeId) === 'down');

  const targets: GossipTarget[] = [];
  const add = (target: GossipTarget) => {
    if (target.address !== selfAddress && !targets.some((chosen) => chosen.address === target.address)) targets.push(target);
  };

  if (live.length > 0) {
    const peer = live[random.int(live.length)]!;
    add({ address: peerAddress(peer), nodeId: peer.nodeId, reason: 'peer' });
  }
  if (down.length > 0 && random.float() < down.length / (live.length + 1)) {
    const probe = down[random.int(down.length)]!;
    add({ address: peerAddress(probe), nodeId: probe.nodeId, reason: 'down-probe' });
  }

  const candidates = [...new Set(seeds)].filter(
    (seed) => seed !== selfAddress && !targets.some((chosen) => chosen.address === seed),
  );
  if (candidates.length > 0 && wantsSeed(live.length, down.length, round, random)) {
    add({ address: candidates[random.int(candidates.length)]!, reason: 'seed' });
  }
  return targets;
}

function wantsSeed(liveCount: number, downCount: number, round: number, random: Random): boolean {
  if (liveCount === 0 || round % SEED_EVERY_ROUNDS === 0) return true;
  return downCount > 0 && random.float() < downCount / (liveCount + downCount);
}
