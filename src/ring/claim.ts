/**
 * Who owns each of the Q ring partitions (the Dynamo paper's strategy 3: Q equal partitions,
 * claimed by nodes).
 *
 * The problem. Every node must compute the same ring from the same member set, without agreeing
 * on the history that led there (gossip delivers the set, not the order of joins). So the claim is
 * a pure function of the SET of node ids: input order and duplicates do not matter. It must be
 * balanced, move few partitions when one node joins or leaves, and, where it can, give
 * neighbouring partitions different owners so the walk that builds a preference list meets N
 * distinct nodes quickly.
 *
 * The approach: rendezvous (highest-random-weight) hashing with exact quotas, granted greedily.
 *  1. Every (node, partition) pair has a weight: the first 6 bytes of MD5(`${node}:${partition}`)
 *     (a partition has no ':', so the text names one pair). A weight depends only on its own node
 *     and partition, never on who else is a member: this is what keeps movement low.
 *  2. Quotas: with S members, every node owns floor(Q/S) partitions and exactly Q mod S of them
 *     own one more. A node "has room" while below floor(Q/S), or at it while fewer than Q mod S
 *     nodes have taken the extra one. The rooms always add up to the partitions still free.
 *  3. All pairs are taken in descending weight (ties: node id in code-unit order, then partition);
 *     a pair is granted when its partition is free, its node has room and the node owns neither
 *     neighbour of the partition (p-1 and p+1, wrapping). Without quotas or that rule this is plain
 *     rendezvous (each partition to its heaviest node); with them, a partition whose favourite is
 *     full goes to its next favourite, so most partitions keep the owner they would have anyway.
 *  4. A partition left free has every node with room owning one of its neighbours. It is placed by
 *     one swap when one exists (an owner m of some q, m not a neighbour, hands q to a node x with
 *     room and takes the partition), otherwise with the heaviest node with room, accepting a
 *     collision. Measured, collisions remain only with S <= 2 (with two nodes only a strict
 *     alternation avoids them, and every preference list holds both nodes anyway) and, rarely,
 *     for S = 3 with Q <= 16 (about one ring in 20 at Q = 8, one in 1000 at Q = 16).
 *
 * Guarantees. Deterministic and independent of input order and duplicates (the result depends on
 * the member set only through the weights and the id order). Exactly balanced: every node owns
 * floor(Q/S) or ceil(Q/S) partitions, so never more than ceil(Q/S). Movement is not minimal (only
 * a claim that remembers history, such as Riak's, can be: it moves exactly the new node's share),
 * but measured over 200 random id sets per (Q, S), adding one node to S (removing one is the same
 * pair of rings read backwards) moves on average, as a multiple of the ideal Q/(S+1):
 *   Q = 64:  1.18 (2->3 nodes), 1.31 (3->4), 1.36 (5->6), 1.63 (7->8), 1.61 (9->10), 2.5, 2.8 (19->20, 20->21)
 *   Q = 256: 1.17 (2->3), 1.24 (3->4), 1.27 (5->6), 1.36 (9->10), 1.42 (10->11), 1.86 (20->21)
 * The worst single change seen moved half the ring (Q = 64: 32 from 1 to 2 nodes, as it must;
 * 28 from 3 to 4, ideal 16; 16 from 20 to 21, ideal 4). Few partitions per node make it worse:
 * with a quota of 1-3 any shift of the quotas cascades through the matching (Q = 8 can move all
 * 8 from 2 to 3 nodes), so keep Q >= 8 S. test/property/ring/claim.test.ts checks
 * moved <= 3 ceil(Q/(S+1)) + ceil(Q/8) + 5 for every change and the mean for Q >= 64, S < 10.
 *
 * Rejected, measured on the same runs: plain rendezvous (least movement, but loads spread by
 * ~sqrt(Q/S), e.g. up to ceil(Q/S)+10 at Q = 64); quotas of at most ceil(Q/S) without the exact
 * count (similar movement, but a node can fall 4-8 below floor(Q/S)); filling first up to floor and
 * then the extras (more movement); filling partitions in index order (later partitions take what
 * is left: more movement); a min-cost assignment (more movement than the greedy).
 *
 * Cost: Q*S MD5 digests and one sort of Q*S pairs (measured: 8 ms for Q = 64, S = 20; 0.4 s for
 * Q = 4096, S = 100); callers compute it once per membership change, never per request.
 */
import { hash as digestOf } from 'node:crypto';
import { assert } from '../lib/assert';
import { PARTITIONS_MAX } from './partition';

/** The weight of one node for one partition: a stable 48-bit hash, the same on every node. */
export function claimWeight(nodeId: string, partition: number): number {
  return digestOf('md5', `${nodeId}:${partition}`, 'buffer').readUIntBE(0, 6);
}

/** The most partitions any node may own among `memberCount` members. */
export function claimCapacity(partitionCount: number, memberCount: number): number {
  return Math.ceil(partitionCount / memberCount);
}

/** The owner of each partition (index = partition) for this member set. */
export function claimPartitions(members: readonly string[], partitionCount: number): string[] {
  assert(
    Number.isInteger(partitionCount) && partitionCount >= 1 && partitionCount <= PARTITIONS_MAX,
    `partition count ${partitionCount} out of range`,
  );
  const nodes = [...new Set(members)].sort(compareIds);
  assert(nodes.length > 0, 'a ring needs at least one member');
  return new Claim(nodes, partitionCount).run();
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UNOWNED = -1;

/** The working state of one claim; nodes are indices into the sorted, deduplicated ids. */
class Claim {
  readonly #nodes: readonly string[];
  readonly #q: number;
  /** floor(Q/S): every node owns this many, and #extra of them one more. */
  readonly #floor: number;
  /** Q mod S */
  readonly #extra: number;
  #atCeiling = 0;
  /** weights[node * Q + partition] */
  readonly #weights: Float64Array;
  readonly #owner: Int32Array;
  readonly #load: Int32Array;

  constructor(nodes: readonly string[], partitionCount: number) {
    this.#nodes = nodes;
    this.#q = partitionCount;
    this.#floor = Math.floor(partitionCount / nodes.length);
    this.#extra = partitionCount % nodes.length;
    this.#weights = new Float64Array(nodes.length * partitionCount);
    for (let node = 0; node < nodes.length; node++) {
      for (let p = 0; p < partitionCount; p++) this.#weights[node * partitionCount + p] = claimWeight(nodes[node]!, p);
    }
    this.#owner = new Int32Array(partitionCount).fill(UNOWNED);
    this.#load = new Int32Array(nodes.length);
  }

  run(): string[] {
    this.#matchGreedily(this.#pairsByWeight());
    for (let p = 0; p < this.#q; p++) {
      if (this.#owner[p] === UNOWNED) this.#placeLeftover(p);
    }
    return Array.from(this.#owner, (node) => this.#nodes[node]!);
  }

  /** Every pair index, highest weight first (ties: node index = id order, then partition). */
  #pairsByWeight(): Uint32Array {
    const weights = this.#weights;
    const pairs = new Uint32Array(weights.length);
    for (let i = 0; i < pairs.length; i++) pairs[i] = i;
    // Indices grow with (node, partition), so the index is the tie-break.
    return pairs.sort((a, b) => weights[b]! - weights[a]! || a - b);
  }

  /** Step 3: grant pairs in weight order to free partitions of nodes with room. */
  #matchGreedily(pairs: Uint32Array): void {
    let unowned = this.#q;
    for (const pair of pairs) {
      const node = Math.floor(pair / this.#q);
      const p = pair - node * this.#q;
      if (this.#owner[p] !== UNOWNED || !this.#hasRoom(node) || this.#ownsNeighbour(node, p)) continue;
      this.#assign(p, node);
      if (--unowned === 0) return;
    }
  }

  /**
   * Below floor(Q/S), or at it while fewer than Q mod S nodes hold the extra one. The rooms add up
   * to exactly the unowned partitions, so a free partition always finds a node with room.
   */
  #hasRoom(node: number): boolean {
    const load = this.#load[node]!;
    return load < this.#floor || (load === this.#floor && this.#atCeiling < this.#extra);
  }

  /** Step 4: a swap that avoids a neighbour collision, else the best node with room. */
  #placeLeftover(p: number): void {
    const withRoom = this.#byWeightFor(p).filter((node) => this.#hasRoom(node));
    assert(withRoom.length > 0, 'the rooms add up to the free partitions, so some node has room');
    for (const x of withRoom) {
      if (!this.#ownsNeighbour(x, p)) return this.#assign(p, x);
    }
    for (const x of withRoom) {
      for (const m of this.#byWeightFor(p)) {
        if (m === x || this.#ownsNeighbour(m, p)) continue;
        for (const q of this.#partitionsOwnedBy(m)) {
          if (this.#trySwap(p, q, m, x)) return;
        }
      }
    }
    this.#assign(p, withRoom[0]!);
  }

  /** m hands q to x and takes p; kept only if neither p nor q then borders its new owner's partitions. */
  #trySwap(p: number, q: number, m: number, x: number): boolean {
    this.#owner[q] = x;
    this.#owner[p] = m;
    if (!this.#ownsNeighbour(m, p) && !this.#ownsNeighbour(x, q)) {
      this.#grow(x);
      return true;
    }
    this.#owner[q] = m;
    this.#owner[p] = UNOWNED;
    return false;
  }

  #assign(p: number, node: number): void {
    this.#owner[p] = node;
    this.#grow(node);
  }

  #grow(node: number): void {
    if (++this.#load[node]! > this.#floor) this.#atCeiling++;
  }

  #ownsNeighbour(node: number, p: number): boolean {
    // A lone node owns every partition. With two the rule is kept, although every preference list
    // holds both nodes anyway: dropping it was measured to move more partitions from 2 to 3 nodes.
    if (this.#nodes.length < 2) return false;
    const before = (p + this.#q - 1) % this.#q;
    const after = (p + 1) % this.#q;
    return (before !== p && this.#owner[before] === node) || (after !== p && this.#owner[after] === node);
  }

  /** Node indices, highest weight for partition p first. */
  #byWeightFor(p: number): number[] {
    const order = this.#nodes.map((_, node) => node);
    return order.sort((a, b) => this.#weights[b * this.#q + p]! - this.#weights[a * this.#q + p]! || a - b);
  }

  #partitionsOwnedBy(node: number): number[] {
    const owned: number[] = [];
    for (let p = 0; p < this.#q; p++) if (this.#owner[p] === node) owned.push(p);
    return owned;
  }
}
