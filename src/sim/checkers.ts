import type { RequestBody } from '../peer/bodies';
import { DvvSet, Dot, EMPTY_DVVSET, join, siblings, sync } from '../versioning/dvvset';
import { decodeRecord } from '../versioning/record-codec';
import { SimNode } from './sim-node';
import { AckedWrite, CausalKey } from './workload';

/**
 * Learns the dot of every written value from the replica writes nodes send each other. Values are
 * unique per write, so value -> dot is unambiguous. With W >= 2 an acknowledged write always left
 * its coordinator in at least one replicaWrite, so its dot is known here.
 */
export class DotRegistry {
  readonly #dots = new Map<string, Dot[]>();

  observe(body: RequestBody): void {
    if (body.kind !== 'replicaWrite') return;
    for (const { dot, version } of siblings(decodeRecord(body.record))) {
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
    if (dot && (join(final).get(dot.actor) ?? 0) >= dot.counter) {
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
function hintsFor(nodes: readonly SimNode[], key: string): DvvSet {
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
