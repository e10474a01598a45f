import { SEGMENT_COUNT, buildSegments, nodeHashes, recordDigest } from '../antientropy/merkle-tree';
import { isReapable } from '../replica/record-schedule';
import { preferenceList } from '../ring/preference-list';
import { decodeRecord } from '../versioning/record-codec';
import { describe } from './checkers';
import { SimNode } from './sim-node';

/** Reports per kind at most: a broken tree shows in every partition, a few lines say enough. */
const REPORTS_PER_KIND_MAX = 3;
const ALL_SEGMENTS: ReadonlySet<number> = new Set(Array.from({ length: SEGMENT_COUNT }, (_, i) => i));

/**
 * SPEC 3.3 through anti-entropy alone: run after faults healed and anti-entropy had time to run,
 * before the final full reads (whose read repair would hide what anti-entropy left undone).
 * For every partition whose primaries are all up and usable in `reader`'s view:
 *  - every node's stored tree equals the tree built from scratch over its data (incremental
 *    upkeep never drifted);
 *  - the primaries' Merkle roots agree, over their records less those dead past grace (one
 *    replica may have reaped such a record while another waits for its reaper's confirmation;
 *    anti-entropy never copies one to a replica lacking it, so they legitimately differ a while);
 *  - the primaries hold the same keys with the same records (roots could only hide this by a
 *    128-bit collision; checking the records too names the key that differs).
 */
export function checkMerkleConvergence(nodes: readonly SimNode[], reader: SimNode, n: number): { violations: string[]; skipped: number } {
  const drift: string[] = [];
  const roots: string[] = [];
  const records: string[] = [];
  let skipped = 0;
  const { membership } = reader.parts;
  const owners = membership.owners();
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  for (let partition = 0; partition < owners.length; partition++) {
    const primaries = preferenceList(owners, partition, n, () => true).primaries.map((p) => byId.get(p.node)!);
    if (primaries.some((node) => node.state !== 'up' || !membership.isUsable(node.nodeId))) {
      skipped++;
      continue;
    }
    // Dead past grace by the latest clock among them: a node whose clock lags may still wait for
    // the grace that another, ahead of it, saw pass (and reaped after confirming).
    const latestMs = Math.max(...primaries.map((node) => node.clock.nowMs()));
    const views = primaries.map((node) => viewOf(node, partition, latestMs));
    for (const view of views) {
      if (view.storedTree !== view.builtTree && drift.length < REPORTS_PER_KIND_MAX) {
        drift.push(`merkle tree out of step with data: ${view.nodeId} partition ${partition} stores segments ${view.storedTree}, its data gives ${view.builtTree}`);
      }
    }
    const [first, ...rest] = views;
    for (const other of rest) {
      if (other.settledRoot !== first!.settledRoot && roots.length < REPORTS_PER_KIND_MAX) {
        roots.push(`merkle roots differ after anti-entropy: partition ${partition} ${first!.nodeId} ${first!.settledRoot} ${other.nodeId} ${other.settledRoot}`);
      }
      const key = firstDifferingKey(first!.digests, other.digests);
      if (key !== undefined && records.length < REPORTS_PER_KIND_MAX) {
        records.push(`replicas differ after anti-entropy: partition ${partition} key ${key} on ${first!.nodeId} and ${other.nodeId}: ${recordAt(first!.nodeId, partition, key)} vs ${recordAt(other.nodeId, partition, key)}`);
      }
    }
  }
  return { violations: [...drift, ...roots, ...records], skipped };

  function recordAt(nodeId: string, partition: number, key: string): string {
    const node = byId.get(nodeId)!;
    return `${describe(node.parts.replica.read(partition, Buffer.from(key, 'latin1')))} at ${node.clock.nowMs()}ms`;
  }
}

interface PartitionView {
  readonly nodeId: string;
  /** The root over the records that are not dead past grace. */
  readonly settledRoot: string;
  /** Every segment hash, as stored and as built from the data. */
  readonly storedTree: string;
  readonly builtTree: string;
  /** key (latin1) -> record digest (hex) */
  readonly digests: ReadonlyMap<string, string>;
}

function viewOf(node: SimNode, partition: number, nowMs: number): PartitionView {
  const { trees } = node.parts.replica;
  const { tombstoneGraceMs } = node.parts.replica;
  const data: Array<{ key: Buffer; record: Buffer }> = [];
  const settled: Array<{ key: Buffer; record: Buffer }> = [];
  const digests = new Map<string, string>();
  trees.forEachInSegments(partition, ALL_SEGMENTS, (key, record) => {
    data.push({ key: Buffer.from(key), record });
    if (isReapable(decodeRecord(record), nowMs, tombstoneGraceMs)) return;
    settled.push({ key: Buffer.from(key), record });
    digests.set(key.toString('latin1'), recordDigest(key, record).toString('hex'));
  });
  const stored = trees.segments(partition);
  return {
    nodeId: node.nodeId,
    settledRoot: nodeHashes(buildSegments(settled), 0, [0])[0]!.toString('hex'),
    storedTree: fingerprint(stored),
    builtTree: fingerprint(buildSegments(data)),
    digests,
  };
}

function fingerprint(segments: ReadonlyMap<number, Buffer>): string {
  return [...segments].sort(([a], [b]) => a - b).map(([segment, hash]) => `${segment}:${hash.toString('hex').slice(0, 8)}`).join(' ') || '(empty)';
}

function firstDifferingKey(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string | undefined {
  for (const [key, digest] of a) if (b.get(key) !== digest) return key;
  for (const key of b.keys()) if (!a.has(key)) return key;
  return undefined;
}
