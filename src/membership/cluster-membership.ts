import type { ClusterView } from '../coordinator/cluster-view';
import { Clock, TimerHandle } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random } from '../lib/random';
import { PeerAddress, Transport } from '../peer/transport';
import { claimPartitions } from '../ring/claim';
import { Store } from '../storage/store';
import { chooseGossipTargets } from './gossip-round';
import { decodeTable, encodeTable } from './member-table-codec';
import { MemberEntry, MemberTable, compareEntries, entriesOf, freshHeartbeats, membersAfterPendingChanges, mergeTables, owningMembers, tableOf, withEntry } from './member-table';
import { Liveness, PhiAccrualDetector } from './phi-accrual';

export interface ClusterMembershipOptions {
  readonly self: { readonly nodeId: string; readonly host: string; readonly peerPort: number; readonly clientPort: number };
  /** `host:peerPort` of each seed. */
  readonly seeds: readonly string[];
  readonly partitionCount: number;
  readonly transport: Transport;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly gossipIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** The node's FLUSHALL generation, carried by every gossip exchange so a flush reaches idle nodes. */
  readonly flush?: { readonly current: number; observe(generation: number | undefined): boolean };
}

const TABLE_KEY = Buffer.from('members');

/**
 * The membership shell: keeps the member table, gossips it every round with a peer chosen by
 * gossip-round (a seed now and then), feeds each peer's failure detector with the heartbeats that
 * gossip brings, and persists the table in the `meta` table so a restarted node remembers its
 * cluster. Failure detection only changes this node's *view* (usable or not); only RING JOIN and
 * RING LEAVE change who owns partitions.
 */
export class ClusterMembership implements ClusterView {
  readonly selfId: string;
  readonly #o: ClusterMembershipOptions;
  #table: MemberTable;
  readonly #detectors = new Map<string, PhiAccrualDetector>();
  readonly #seeds: string[];
  #round = 0;
  #timer: TimerHandle | undefined;
  #owners: { table: MemberTable; key: string; owners: string[] } | undefined;
  #sources: { table: MemberTable; byPartition: Map<number, string[]> } | undefined;

  constructor(options: ClusterMembershipOptions) {
    this.#o = options;
    this.selfId = options.self.nodeId;
    this.#seeds = [...options.seeds];
    this.#table = withEntry(this.#loadTable(), this.#selfEntry());
    this.#persist();
  }

  /** Gossip now (to meet the seeds) and then every round. */
  start(): void {
    this.#timer = this.#o.clock.setInterval(this.#o.gossipIntervalMs, () => this.#gossipRound());
    this.#gossipRound();
  }

  stop(): void {
    this.#timer?.cancel();
  }

  get table(): MemberTable {
    return this.#table;
  }

  owners(): readonly string[] {
    // Called on every read and write: recompute only when the table object changed (a merge or
    // a heartbeat), and re-claim only when the set of owning members did.
    if (this.#owners?.table === this.#table) return this.#owners.owners;
    // Leaving nodes own nothing (they hand their data off); only if every member is leaving does
    // the ring stay with them, as there is nobody to hand to.
    const pending = membersAfterPendingChanges(this.#table);
    const members = pending.length > 0 ? pending : owningMembers(this.#table);
    const key = members.join('\n');
    const owners = this.#owners?.key === key ? this.#owners.owners : claimPartitions(members, this.#o.partitionCount);
    this.#owners = { table: this.#table, key, owners };
    return owners;
  }

  addressOf(nodeId: string): PeerAddress | undefined {
    const entry = this.#table.get(nodeId);
    return entry ? { host: entry.host, port: entry.peerPort } : undefined;
  }

  isUsable(nodeId: string): boolean {
    return this.liveness(nodeId) === 'up';
  }

  /** This node's view of a member: itself is always up; a member never heard from counts as up until proven otherwise. */
  liveness(nodeId: string): Liveness {
    if (nodeId === this.selfId) return 'up';
    return this.#detectors.get(nodeId)?.liveness(this.#o.clock.monotonicMs()) ?? 'up';
  }

  /** A peer's gossip: merge it and answer with the merged table. */
  onGossip(state: Buffer): Buffer {
    this.#merge(decodeTable(state));
    return encodeTable(this.#table);
  }

  /** RING JOIN host:peerPort: join the cluster that node belongs to. */
  async join(address: string): Promise<void> {
    if (!this.#seeds.includes(address)) this.#seeds.push(address);
    await this.#exchange(address);
  }

  /**
   * RING LEAVE: this node stops owning partitions at once (the ring is claimed without it) and
   * hands its data to the new owners in the background; `completeLeave` marks it removed after.
   * Refused when no other member would own the data.
   */
  leave(): void {
    const self = this.#table.get(this.selfId)!;
    if (self.status === 'leaving' || self.status === 'removed') return;
    if (membersAfterPendingChanges(this.#table).every((id) => id === this.selfId)) {
      throw new Error('this node is the only member: there is no node to hand its data to');
    }
    this.#table = withEntry(this.#table, { ...self, status: 'leaving', heartbeat: self.heartbeat + 1 });
    this.#persist();
    this.#o.logger.info('leaving the cluster');
  }

  /** This node's own membership status. */
  get status(): MemberEntry['status'] {
    return this.#table.get(this.selfId)!.status;
  }

  /**
   * A leaving node that handed everything off leaves the member list: it is marked removed (a
   * tombstone others keep, so stale gossip cannot bring it back). Started again, it rejoins as a
   * new incarnation.
   */
  completeLeave(): void {
    const self = this.#table.get(this.selfId)!;
    if (self.status !== 'leaving') return;
    this.#table = withEntry(this.#table, { ...self, status: 'removed', heartbeat: self.heartbeat + 1, handoff: undefined });
    this.#persist();
  }

  /** Advertise the partitions this node is handing off (gossiped with its entry). */
  setHandoff(partitions: readonly number[]): void {
    const self = this.#table.get(this.selfId)!;
    if ((self.handoff ?? []).join() === partitions.join()) return;
    const { handoff: _old, ...rest } = self;
    // A new heartbeat with every change, so no two entries of one heartbeat differ in it.
    this.#table = withEntry(this.#table, { ...rest, heartbeat: self.heartbeat + 1, ...(partitions.length > 0 ? { handoff: [...partitions] } : {}) });
  }

  /** Members (self included) that advertise holding records of `partition` they hand off. */
  handoffSources(partition: number): readonly string[] {
    if (this.#sources?.table !== this.#table) {
      const byPartition = new Map<number, string[]>();
      for (const entry of entriesOf(this.#table)) {
        if (entry.status === 'removed') continue;
        for (const p of entry.handoff ?? []) {
          const list = byPartition.get(p) ?? [];
          list.push(entry.nodeId);
          byPartition.set(p, list);
        }
      }
      this.#sources = { table: this.#table, byPartition };
    }
    return this.#sources.byPartition.get(partition) ?? [];
  }

  #gossipRound(): void {
    const self = this.#table.get(this.selfId)!;
    this.#table = withEntry(this.#table, { ...self, heartbeat: self.heartbeat + 1 });
    const targets = chooseGossipTargets(
      { selfId: this.selfId, table: this.#table, seeds: this.#seeds, livenessOf: (id) => this.liveness(id), round: this.#round++ },
      this.#o.random,
    );
    for (const target of targets) void this.#exchange(target.address);
  }

  async #exchange(address: string): Promise<void> {
    const [host, port] = splitAddress(address);
    try {
      const reply = await this.#o.transport.request({ host, port }, { kind: 'gossipPush', state: encodeTable(this.#table), flushGeneration: this.#o.flush?.current ?? 0 }, this.#o.requestTimeoutMs);
      if (reply.kind === 'gossipReply') {
        this.#o.flush?.observe(reply.flushGeneration);
        this.#merge(decodeTable(reply.state));
      }
    } catch (err) {
      this.#o.logger.debug({ peer: address, err: (err as Error).message }, 'gossip exchange failed');
    }
  }

  #merge(remote: MemberTable): void {
    const before = this.#table;
    let after = mergeTables(before, remote);
    const mine = after.get(this.selfId)!;
    const expected = before.get(this.selfId)!;
    // Someone holds a newer word about this node than the node itself: wrong (an old incarnation's
    // removal, say), or from a life this process does not remember (a replacement started on an
    // empty disk, back at incarnation 1 with heartbeat 0). Refute it with a higher incarnation, so
    // every peer sees a restart (and dials this node at once) and takes this node's word again.
    if (compareEntries(mine, expected) > 0) {
      after = withEntry(after, { ...expected, incarnation: mine.incarnation + 1, heartbeat: mine.heartbeat });
    }
    const nowMs = this.#o.clock.monotonicMs();
    for (const nodeId of freshHeartbeats(before, after)) {
      if (nodeId === this.selfId) continue;
      const previous = before.get(nodeId);
      const current = after.get(nodeId)!;
      // A new incarnation is a restart: stop holding its earlier failures against it.
      if (previous !== undefined && current.incarnation > previous.incarnation) {
        this.#o.transport.peerAlive?.({ host: current.host, port: current.peerPort });
      }
      let detector = this.#detectors.get(nodeId);
      if (!detector) this.#detectors.set(nodeId, (detector = new PhiAccrualDetector()));
      detector.record(nowMs);
    }
    const membersChanged = owningMembers(before).join() !== owningMembers(after).join() || statusesOf(before) !== statusesOf(after);
    this.#table = after;
    if (membersChanged) {
      this.#persist();
      this.#o.logger.info({ members: entriesOf(after).map((e) => `${e.nodeId}:${e.status}`) }, 'membership changed');
    }
  }

  #selfEntry(): MemberEntry {
    const { nodeId, host, peerPort, clientPort } = this.#o.self;
    const stored = this.#table?.get(nodeId) ?? this.#loadTable().get(nodeId);
    // Every start is a new incarnation: peers may remember a higher heartbeat of the last one, and
    // an incarnation outranks any heartbeat, so they see this node as alive again at once.
    const rejoined = stored?.status === 'removed';
    const status = stored === undefined || rejoined ? 'up' : stored.status;
    return { nodeId, host, peerPort, clientPort, incarnation: (stored?.incarnation ?? 0) + 1, status, heartbeat: 0 };
  }

  #loadTable(): MemberTable {
    const bytes = this.#o.store.get('meta', TABLE_KEY);
    if (bytes === undefined) return tableOf([]);
    try {
      return decodeTable(bytes);
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'stored member table unreadable; starting from seeds');
      return tableOf([]);
    }
  }

  #persist(): void {
    try {
      this.#o.store.put('meta', TABLE_KEY, encodeTable(this.#table));
    } catch (err) {
      // A full disk refuses the put at once. The table in memory is what counts; the stored copy
      // only helps a restart, so failing to save it must not stop a start or a gossip exchange.
      this.#o.logger.warn({ err: (err as Error).message }, 'could not persist the member table');
      return;
    }
    this.#o.store.commit().catch((err) => this.#o.logger.warn({ err: (err as Error).message }, 'could not persist the member table'));
  }
}

function statusesOf(table: MemberTable): string {
  return entriesOf(table)
    .map((e) => `${e.nodeId}:${e.status}:${e.incarnation}`)
    .join();
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon).replace(/^\[|\]$/g, ''), Number(address.slice(colon + 1))];
}
