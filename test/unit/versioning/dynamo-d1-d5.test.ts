/**
 * The example of Dynamo (DeCandia et al., SOSP 2007) section 4.4, figure 3, replayed on one
 * replica set per node as a cluster would: a coordinator runs `update` on its own replica, every
 * replica that receives a record merges it with `sync`, and clients carry `join` as context.
 */
import {
  EMPTY_DVVSET,
  join,
  siblings,
  sync,
  update,
  type DvvSet,
  type Version,
  type VersionVector,
} from '../../../src/versioning/dvvset';

const START_MS = 1_700_000_000_000;

function version(name: string, timestampMs: number): Version {
  return { data: Buffer.from(name), tombstone: false, timestampMs, expiresAtMs: 0 };
}

const values = (set: DvvSet) => siblings(set).map((s) => s.version.data.toString()).sort();
const dots = (set: DvvSet) => siblings(set).map((s) => `${s.dot.actor}:${s.dot.counter}`).sort();
const vector = (set: DvvSet) => Object.fromEntries(join(set));

class Cluster {
  readonly replicas = new Map<string, DvvSet>([
    ['Sx', EMPTY_DVVSET],
    ['Sy', EMPTY_DVVSET],
    ['Sz', EMPTY_DVVSET],
    ['Sw', EMPTY_DVVSET], // a replica that misses writes until told otherwise
  ]);

  get(node: string): DvvSet {
    const set = this.replicas.get(node);
    if (set === undefined) throw new Error(`no node ${node}`);
    return set;
  }

  /** A client write coordinated by `node`, then sent to `to` (each merges what it receives). */
  write(node: string, context: VersionVector, name: string, nowMs: number, to: string[]): DvvSet {
    const next = update(this.get(node), context, node, version(name, nowMs), nowMs);
    this.replicas.set(node, next);
    for (const other of to) this.receive(other, next);
    return next;
  }

  receive(node: string, record: DvvSet): void {
    this.replicas.set(node, sync(this.get(node), record));
  }
}

describe("Dynamo's D1..D5 example (section 4.4)", () => {
  it('plays out exactly: D3 and D4 are siblings, D5 reconciles them', () => {
    const cluster = new Cluster();

    // D1 and D2: a client writes a new object at Sx, then updates it at Sx with D1's context.
    const d1 = cluster.write('Sx', new Map(), 'D1', START_MS, ['Sy', 'Sz', 'Sw']);
    expect(vector(d1)).toEqual({ Sx: 1 });
    const d2 = cluster.write('Sx', join(d1), 'D2', START_MS + 1, ['Sy', 'Sz']);
    expect(vector(d2)).toEqual({ Sx: 2 });
    expect(values(d2)).toEqual(['D2']);
    expect(values(cluster.get('Sw'))).toEqual(['D1']); // Sw missed D2

    // D3 at Sy and D4 at Sz, both from a read of D2.
    const readD2 = join(cluster.get('Sy'));
    expect(Object.fromEntries(readD2)).toEqual({ Sx: 2 });
    const d3 = cluster.write('Sy', readD2, 'D3', START_MS + 2, []);
    const d4 = cluster.write('Sz', readD2, 'D4', START_MS + 3, []);
    expect(vector(d3)).toEqual({ Sx: 2, Sy: 1 });
    expect(vector(d4)).toEqual({ Sx: 2, Sz: 1 });

    // A node that knows D1 or D2 receives both: D2 is superseded, D3 and D4 are kept.
    cluster.receive('Sx', d3);
    cluster.receive('Sx', d4);
    cluster.receive('Sw', d4);
    cluster.receive('Sw', d3);
    for (const node of ['Sx', 'Sw']) {
      expect(values(cluster.get(node))).toEqual(['D3', 'D4']);
      expect(dots(cluster.get(node))).toEqual(['Sy:1', 'Sz:1']);
      expect(vector(cluster.get(node))).toEqual({ Sx: 2, Sy: 1, Sz: 1 });
    }

    // The client reads both siblings and reconciles; Sx coordinates the write D5.
    const readBoth = join(cluster.get('Sx'));
    const d5 = cluster.write('Sx', readBoth, 'D5', START_MS + 4, ['Sy', 'Sz', 'Sw']);
    expect(vector(d5)).toEqual({ Sx: 3, Sy: 1, Sz: 1 }); // the paper's D5([Sx,3],[Sy,1],[Sz,1])
    expect(dots(d5)).toEqual(['Sx:3']);
    for (const node of ['Sx', 'Sy', 'Sz', 'Sw']) {
      expect(values(cluster.get(node))).toEqual(['D5']);
      expect(vector(cluster.get(node))).toEqual({ Sx: 3, Sy: 1, Sz: 1 });
    }
  });

  it('ends the same when the replica that had only D1 hears of D3 and D4 after D5', () => {
    const cluster = new Cluster();
    const d1 = cluster.write('Sx', new Map(), 'D1', START_MS, ['Sy', 'Sz', 'Sw']);
    const d2 = cluster.write('Sx', join(d1), 'D2', START_MS + 1, ['Sy', 'Sz']);
    const d3 = cluster.write('Sy', join(d2), 'D3', START_MS + 2, ['Sx']);
    const d4 = cluster.write('Sz', join(d2), 'D4', START_MS + 3, ['Sx']);
    const d5 = cluster.write('Sx', join(cluster.get('Sx')), 'D5', START_MS + 4, []);
    // Sw gets everything late and out of order.
    for (const record of [d5, d3, d1, d4, d2]) cluster.receive('Sw', record);
    expect(values(cluster.get('Sw'))).toEqual(['D5']);
    expect(vector(cluster.get('Sw'))).toEqual({ Sx: 3, Sy: 1, Sz: 1 });
  });

  it('keeps D3 and D4 as siblings when a client writes D5 with only D3 in its context', () => {
    const cluster = new Cluster();
    const d1 = cluster.write('Sx', new Map(), 'D1', START_MS, ['Sy', 'Sz']);
    const d2 = cluster.write('Sx', join(d1), 'D2', START_MS + 1, ['Sy', 'Sz']);
    const d3 = cluster.write('Sy', join(d2), 'D3', START_MS + 2, []);
    cluster.write('Sz', join(d2), 'D4', START_MS + 3, ['Sx']);
    const d5 = cluster.write('Sx', join(d3), 'D5', START_MS + 4, ['Sy']);
    expect(values(d5)).toEqual(['D4', 'D5']);
    expect(values(cluster.get('Sy'))).toEqual(['D4', 'D5']);
  });
});
