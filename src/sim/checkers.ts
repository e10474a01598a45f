import { replicaWritesOf, type ReplicaWriteItem, type RequestBody } from '../peer/bodies';
import { preferenceList } from '../ring/preference-list';
import { DvvSet, Dot, EMPTY_DVVSET, equalSets, join, siblingCount, siblings, sync } from '../versioning/dvvset';
import { decodeRecord } from '../versioning/record-codec';
import { countsAsKey, sweepDecision } from '../replica/record-schedule';
import { SimNode } from './sim-node';
import { AckedWrite, CausalKey } from './workload';

/**
 * Learns the dot of every written value from the replica writes nodes send each other. Values are
 * unique per write, so value -> dot is unambiguous. With W >= 2 an acknowledged write always left
 * its coordinator in at least one replicaWrite, so its dot is known here.
 */
export class DotRegistry {
  readonly #dots = new Map<string, Dot[]>();
  /** The most siblings any record on the wire carried (the sibling cap check). */
  siblingsMax = 0;
  siblingsMaxKey = '';
  /** key and dot -> what the first record carrying it held there ('~' for a tombstone). */
  readonly #byDot = new Map<string, string>();
  /** One dot seen holding two different versions: an actor issued a dot twice. */
  readonly reusedDots: string[] = [];
  readonly #reported = new Set<string>();
  /** key -> the clock of every dead record a replica reaped for it (what a delete legitimately took). */
  readonly #reaped = new Map<string, Map<string, number>>();

  /** A replica removed `removed`: when it was dead (a reaped delete), its dots were superseded. */
  observeRemoved(key: Buffer, removed: DvvSet): void {
    if (countsAsKey(removed)) return; // a live record removed is a handoff, not a delete
    const name = key.toString();
    const clock = this.#reaped.get(name) ?? new Map<string, number>();
    for (const [actor, counter] of join(removed)) clock.set(actor, Math.max(clock.get(actor) ?? 0, counter));
    this.#reaped.set(name, clock);
  }

  /** Whether a reaped tombstone of `key` covered `dot`. */
  reapedCovers(key: string, dot: Dot): boolean {
    return (this.#reaped.get(key)?.get(dot.actor) ?? 0) >= dot.counter;
  }

  observe(body: RequestBody): void {
    for (const write of replicaWritesOf(body)) this.#observeWrite(write);
  }

  #observeWrite(body: ReplicaWriteItem): void {
    const record = decodeRecord(body.record);
    const count = siblingCount(record);
    if (count > this.siblingsMax) {
      this.siblingsMax = count;
      this.siblingsMaxKey = body.key.toString();
    }
    for (const { dot, version } of siblings(record)) {
      // Dots are per key: n1's 18th write to k0 and to k1 are different events.
      const dotKey = `${body.key.toString()} ${dot.actor}:${dot.counter}`;
      const content = version.tombstone ? '~' : version.data.toString();
      const first = this.#byDot.get(dotKey);
      if (first === undefined) this.#byDot.set(dotKey, content);
      else if (first !== content && !this.#reported.has(dotKey) && this.reusedDots.length < 3) {
        this.#reported.add(dotKey);
        this.reusedDots.push(`dot reused: ${dotKey} holds both ${first} and ${content}`);
      }
      if (version.tombstone) continue;
      const value = version.data.toString();
      const known = this.#dots.get(value);
      if (!known) this.#dots.set(value, [dot]);
      else if (!known.some((d) => d.actor === dot.actor && d.counter === dot.counter)) known.push(dot);
    }
  }

  /** The first dot seen for `value`. */
  dotOf(value: string): Dot | undefined {
    return this.#dots.get(value)?.[0];
  }

  /** Every distinct dot seen for `value`: more than one means one client write became two versions. */
  dotsOf(value: string): readonly Dot[] {
    return this.#dots.get(value) ?? [];
  }
}

export interface LostWriteReport {
  readonly violations: string[];
  readonly present: number;
  readonly superseded: number;
  /** Present or superseded only counting fallbacks' hints: handoff (not built yet) would deliver them; not counted as lost. */
  readonly hintedOnly: number;
}

/**
 * SPEC 3.2 after healing: every acknowledged value is among the siblings of a full read (R = N),
 * or was causally superseded (the merged version vector covers its dot, yet it is gone: a write
 * whose context covered it replaced it).
 */
export function checkAcknowledgedWrites(finalReads: ReadonlyMap<string, DvvSet>, acked: readonly AckedWrite[], dots: DotRegistry, nodes: readonly SimNode[]): LostWriteReport {
  const violations: string[] = [];
  let present = 0;
  let superseded = 0;
  let hintedOnly = 0;
  for (const write of acked) {
    if (write.value === undefined) continue;
    const final = finalReads.get(write.key);
    if (!final) continue; // the full read itself failed; reported by the caller
    const values = new Set(siblings(final).map((s) => s.version.data.toString()));
    if (values.has(write.value)) {
      present++;
      continue;
    }
    const dot = dots.dotOf(write.value);
    // Superseded: the final clock covers its dot, or a delete that covered it was reaped.
    if (dot && ((join(final).get(dot.actor) ?? 0) >= dot.counter || dots.reapedCovers(write.key, dot))) {
      superseded++;
      continue;
    }
    // The version, or a write that superseded it, may sit only in a fallback's hints: handoff
    // (not built yet) would deliver it. Merged with the hints, it must be present or covered.
    const withHints = sync(final, hintsFor(nodes, write.key));
    const hintedValues = new Set(siblings(withHints).map((s) => s.version.data.toString()));
    if (hintedValues.has(write.value) || (dot && (join(withHints).get(dot.actor) ?? 0) >= dot.counter)) {
      hintedOnly++;
      continue;
    }
    const where = dot ? `dot ${dot.actor}:${dot.counter}` : 'dot never seen on the wire';
    violations.push(`lost write: ${write.kind.toUpperCase()} ${write.key}=${write.value} by ${write.client} via ${write.node} acked at ${write.ackedAtMs}ms (${where}) is neither present nor superseded`);
  }
  return { violations, present, superseded, hintedOnly };
}

/**
 * SPEC 3.4: one client write must become one version. Two dots for one (unique) value mean the
 * cluster applied it twice, as two concurrent versions: a false sibling nothing can resolve.
 */
export function checkSingleApplication(acked: readonly AckedWrite[], dots: DotRegistry): string[] {
  const violations: string[] = [];
  for (const write of acked) {
    if (write.value === undefined) continue;
    const all = dots.dotsOf(write.value);
    if (all.length > 1) {
      violations.push(
        `write applied twice: ${write.kind.toUpperCase()} ${write.key}=${write.value} by ${write.client} via ${write.node} became versions ${all.map((d) => `${d.actor}:${d.counter}`).join(' and ')}`,
      );
    }
  }
  return violations;
}

/** SPEC 3.4: a sequential writer that always used its context never sees siblings. */
export function checkCausalKeys(finalReads: ReadonlyMap<string, DvvSet>, keys: readonly CausalKey[]): string[] {
  const violations: string[] = [];
  for (const { key, tainted } of keys) {
    const final = finalReads.get(key);
    if (tainted || !final) continue;
    const count = siblings(final).length;
    if (count > 1) violations.push(`causality: ${key} (one sequential writer) ends with ${count} siblings`);
  }
  return violations;
}

/** Every hint any running node holds for `key`, merged. */
export function hintsFor(nodes: readonly SimNode[], key: string): DvvSet {
  let merged = EMPTY_DVVSET;
  for (const node of nodes) {
    if (node.state === 'crashed') continue;
    for (const target of nodes) {
      const { hints, replica } = node.parts;
      merged = sync(merged, hints.read(target.nodeId, replica.partitionOf(Buffer.from(key)), Buffer.from(key)));
    }
  }
  return merged;
}

/** The sibling cap (SIBLINGS_MAX in SPEC section 2): no record on the wire or in a final read exceeds it. */
export const SIBLINGS_CAP = 100;

export function checkSiblingCap(finalReads: ReadonlyMap<string, DvvSet>, dots: DotRegistry): string[] {
  const violations: string[] = [];
  if (dots.siblingsMax > SIBLINGS_CAP) violations.push(`sibling cap: a replica write of ${dots.siblingsMaxKey} carried ${dots.siblingsMax} siblings (cap ${SIBLINGS_CAP})`);
  for (const [key, set] of finalReads) {
    const count = siblingCount(set);
    if (count > SIBLINGS_CAP) violations.push(`sibling cap: ${key} ends with ${count} siblings (cap ${SIBLINGS_CAP})`);
  }
  return violations;
}

/**
 * W is honoured (SPEC 3.2 rests on it): the moment a write is acknowledged, at least W nodes hold
 * it committed (in their replica or as a hint) or hold a later write that superseded it. Nodes that
 * crashed while the call was in flight cannot be read; they get the benefit of the doubt. Runs
 * synchronously in the client's continuation, so nothing else has happened since the W-th ack
 * but the reply's trip back (a forwarded write) and what the doubt covers.
 */
export function checkAckDurability(write: AckedWrite, nodes: readonly SimNode[], dots: DotRegistry, w: number): string | undefined {
  if (write.value === undefined) return undefined;
  const key = Buffer.from(write.key);
  const dot = dots.dotOf(write.value);
  const holders: string[] = [];
  for (const node of nodes) {
    if (node.state === 'crashed') continue;
    const { replica, hints } = node.parts;
    const partition = replica.partitionOf(key);
    let set = replica.read(partition, key);
    for (const target of nodes) set = sync(set, hints.read(target.nodeId, partition, key));
    if (holdsOrCovers(set, write.value, dot)) holders.push(node.nodeId);
  }
  const doubtful = write.crashedDuringIds.filter((id) => !holders.includes(id));
  if (holders.length + doubtful.length >= w) return undefined;
  return `ack before W: ${write.kind.toUpperCase()} ${write.key}=${write.value} via ${write.node} acked at ${write.ackedAtMs}ms held by ${holders.length} node(s) [${holders.join(',')}], W=${w}`;
}

function holdsOrCovers(set: DvvSet, value: string, dot: Dot | undefined): boolean {
  if (siblings(set).some((s) => !s.version.tombstone && s.version.data.toString() === value)) return true;
  return dot !== undefined && (join(set).get(dot.actor) ?? 0) >= dot.counter;
}

/**
 * SPEC 3.5: an acknowledged DEL supersedes every version its context covers; none of those may be
 * among the final siblings (a re-write is a new dot, so it is not covered and may be). The DEL may
 * sit only in a fallback's hints (handoff not built yet), so the final read is merged with them.
 */
export function checkDeletesStayDeleted(finalReads: ReadonlyMap<string, DvvSet>, acked: readonly AckedWrite[], nodes: readonly SimNode[]): string[] {
  const violations: string[] = [];
  for (const write of acked) {
    if (write.kind !== 'del') continue;
    const final = finalReads.get(write.key);
    if (!final) continue;
    const merged = sync(final, hintsFor(nodes, write.key));
    for (const { dot, version } of siblings(merged)) {
      if (version.tombstone || dot.counter > (write.context.get(dot.actor) ?? 0)) continue;
      violations.push(
        `deleted value back: ${write.key}=${version.data.toString()} (dot ${dot.actor}:${dot.counter}) was superseded by DEL by ${write.client} via ${write.node} acked at ${write.ackedAtMs}ms, yet is a final sibling`,
      );
    }
  }
  return violations;
}

/**
 * SPEC 3.3, as far as dynkv gets today: hint delivery and Merkle anti-entropy do not exist yet,
 * so the full read (R = N) of every key just done, with its read repair, is the only thing that
 * converges replicas. After it, every primary replica of each key must hold an equal DVV set.
 * A key whose primaries were not all usable in the reader's view was not fully repaired: counted
 * as skipped, not judged.
 */
export function checkConvergence(keys: readonly string[], nodes: readonly SimNode[], reader: SimNode, n: number, tombstoneGraceMs: number): { violations: string[]; skipped: number } {
  const violations: string[] = [];
  let skipped = 0;
  const { membership } = reader.parts;
  for (const key of keys) {
    const bytes = Buffer.from(key);
    const partition = reader.parts.replica.partitionOf(bytes);
    const { primaries } = preferenceList(membership.owners(), partition, n, () => true);
    if (primaries.some((p) => !membership.isUsable(p.node) || nodes.find((x) => x.nodeId === p.node)?.state !== 'up')) {
      skipped++;
      continue;
    }
    // A dead record past grace counts as absent: one replica may have reaped it while another
    // still waits for its reaper to confirm (SPEC 3.5), and neither can bring anything back.
    // (Judged by the latest clock among the nodes: one lagging may not have seen the grace pass.)
    const latestMs = Math.max(...nodes.map((node) => node.clock.nowMs()));
    const settled = (node: SimNode) => {
      const set = node.parts.replica.read(partition, bytes);
      return sweepDecision(set, latestMs, tombstoneGraceMs).kind === 'reap' ? EMPTY_DVVSET : set;
    };
    const sets = primaries.map((p) => ({ node: p.node, set: settled(nodes.find((x) => x.nodeId === p.node)!) }));
    const first = sets[0];
    for (const other of sets.slice(1)) {
      if (!equalSets(first.set, other.set)) {
        violations.push(`not converged after read repair: ${key} on ${first.node} has ${describe(first.set)} but ${other.node} has ${describe(other.set)}`);
        break;
      }
    }
  }
  return { violations, skipped };
}

export function describe(set: DvvSet): string {
  const versions = siblings(set).map(({ dot, version }) => `${version.tombstone ? '~' : version.data.toString()}@${dot.actor}:${dot.counter}`);
  return `[${versions.join(' ')}] clock {${set.entries.map((e) => `${e.actor}:${e.counter}`).join(',')}}`;
}
