/**
 * Dotted version vector sets (DVVSet): the causality tracking of every key.
 *
 * References: P. S. Almeida, C. Baquero, R. Gonçalves, N. Preguiça, V. Fonte, "Scalable and
 * Accurate Causality Tracking for Eventually Consistent Stores" (DVVSet; technical report 2012,
 * DAIS 2014), and "Dotted Version Vectors: Logical Clocks for Optimistic Replication"
 * (arXiv:1011.5808). Semantics follow the compact form Riak adopted (basho dvvset), without its
 * anonymous values: a client's write always arrives here with its context as a version vector.
 *
 * Representation: one entry per actor (a node id), sorted by actor in code point order (which
 * is UTF-8 byte order, so every replica and language sorts alike). An entry says "actor issued
 * events 1..counter for this key" and holds that actor's newest events that nothing superseded,
 * newest first: `versions[i]` carries the dot (actor, counter - i). Because an actor's events are
 * only ever superseded from the oldest up, the held dots always form such a contiguous suffix.
 *
 * Why DVVSet rather than plain vector clocks (Dynamo section 4.4): a vector clock per sibling
 * cannot tell a write that followed a read from one that merely reached the same replica, so
 * server-side actors produce false siblings; a dot per version fixes that with one counter each.
 *
 * Pure: no I/O, no clocks; time comes in as `nowMs`.
 */

/**
 * What a version's `data` holds: a plain string, or the state of a conflict-free replicated data
 * type (src/datatypes), merged with its concurrent siblings of the same kind when read.
 */
export type ValueKind = 'string' | 'counter' | 'set';

export interface Version {
  readonly data: Buffer;
  readonly tombstone: boolean;
  readonly timestampMs: number;
  /** Absolute wall-clock deadline; 0 = never expires. */
  readonly expiresAtMs: number;
  /** The FLUSHALL generation it was written in (absent = 0); see versioning/flush.ts. */
  readonly flushGeneration?: number;
  /** Absent means 'string' (every version written before kinds existed). */
  readonly kind?: ValueKind;
}

/**
 * A Version in its one canonical object shape: every field present, in this order, generation 0
 * and the string kind stored as undefined. V8 then gives all versions one hidden class, so the
 * property reads on the GET and SET paths stay monomorphic; versions built by spreading optional
 * fields in had several shapes and made those reads miss their inline caches (a third of a GET).
 */
export function makeVersion(fields: Version): Version {
  return {
    data: fields.data,
    tombstone: fields.tombstone,
    timestampMs: fields.timestampMs,
    expiresAtMs: fields.expiresAtMs,
    flushGeneration: fields.flushGeneration === 0 ? undefined : fields.flushGeneration,
    kind: fields.kind === 'string' ? undefined : fields.kind,
  };
}

/** A version's kind, absent read as 'string'. */
export function kindOf(version: Version): ValueKind {
  return version.kind ?? 'string';
}

const KIND_RANK: Readonly<Record<ValueKind, number>> = { string: 0, counter: 1, set: 2 };

/** The event that created a version: the actor's `counter`-th write to this key. */
export interface Dot {
  readonly actor: string;
  readonly counter: number;
}

export interface ClockEntry {
  readonly actor: string;
  readonly counter: number;
  /** Newest first; `versions.length <= counter`. */
  readonly versions: readonly Version[];
  /** Wall clock of the actor's latest event this replica knows of: pruning drops the oldest. */
  readonly updatedMs: number;
}

/** Entries sorted by actor (see compareActors), one per actor, every counter >= 1. */
export interface DvvSet {
  readonly entries: readonly ClockEntry[];
}

/** actor -> number of that actor's events seen; absent = 0. */
export type VersionVector = ReadonlyMap<string, number>;

export interface Sibling {
  readonly dot: Dot;
  readonly version: Version;
}

export const EMPTY_DVVSET: DvvSet = Object.freeze({ entries: Object.freeze([]) });

/** The context of a client that has seen nothing: a write with it is concurrent with everything. */
export const EMPTY_VERSION_VECTOR: VersionVector = new Map();

/**
 * Code point order of two actor ids, which equals the byte order of their UTF-8 encodings.
 * Plain `<` compares UTF-16 code units and would sort U+E000..U+FFFF after astral characters.
 */
export function compareActors(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Lifts surrogates (which start code points >= 0x10000) above the rest of the BMP. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function siblings(set: DvvSet): Sibling[] {
  const out: Sibling[] = [];
  for (const entry of set.entries) {
    entry.versions.forEach((version, i) => {
      out.push({ dot: { actor: entry.actor, counter: entry.counter - i }, version });
    });
  }
  return out;
}

export function siblingCount(set: DvvSet): number {
  let count = 0;
  for (const entry of set.entries) count += entry.versions.length;
  return count;
}

/** The context covering everything `set` knows: a write made with it supersedes every sibling. */
export function join(set: DvvSet): VersionVector {
  const vector = new Map<string, number>();
  for (let e = 0; e < set.entries.length; e++) vector.set(set.entries[e].actor, set.entries[e].counter);
  return vector;
}

/** True when `a` has seen every event `b` has (a >= b pointwise). */
export function descends(a: VersionVector, b: VersionVector): boolean {
  for (const [actor, counter] of b) {
    if (counter > 0 && (a.get(actor) ?? 0) < counter) return false;
  }
  return true;
}

export function equalVectors(a: VersionVector, b: VersionVector): boolean {
  return descends(a, b) && descends(b, a);
}

/**
 * Merge two replicas of a key. Knowledge is the union (counter = max, updatedMs = max); a version
 * survives iff each side either holds its dot or has not seen it. Both sides holding the same dot
 * hold the same write (an actor never reuses a dot), so either copy would do; we keep the greater
 * by compareVersions so that sync stays commutative even if a broken actor did reuse one.
 * Commutative, associative and idempotent, so replicas converge whatever the delivery order.
 */
export function sync(a: DvvSet, b: DvvSet): DvvSet {
  if (a === b) return a;
  const out: ClockEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.entries.length && j < b.entries.length) {
    const x = a.entries[i];
    const y = b.entries[j];
    const order = compareActors(x.actor, y.actor);
    if (order < 0) {
      out.push(x);
      i++;
    } else if (order > 0) {
      out.push(y);
      j++;
    } else {
      out.push(mergeEntries(x, y));
      i++;
      j++;
    }
  }
  for (; i < a.entries.length; i++) out.push(a.entries[i]);
  for (; j < b.entries.length; j++) out.push(b.entries[j]);
  return { entries: out };
}

function mergeEntries(x: ClockEntry, y: ClockEntry): ClockEntry {
  const counter = Math.max(x.counter, y.counter);
  // Dots at or below a side's oldest-held boundary were seen there and are not held: superseded.
  // Every dot above both boundaries is held by at least one side.
  const floor = Math.max(x.counter - x.versions.length, y.counter - y.versions.length);
  const versions: Version[] = [];
  for (let dot = counter; dot > floor; dot--) {
    const fromX = versionAt(x, dot);
    const fromY = versionAt(y, dot);
    if (fromX !== undefined && fromY !== undefined) versions.push(pickCopy(fromX, fromY));
    else if (fromX !== undefined) versions.push(fromX);
    else if (fromY !== undefined) versions.push(fromY);
  }
  return { actor: x.actor, counter, versions, updatedMs: Math.max(x.updatedMs, y.updatedMs) };
}

function versionAt(entry: ClockEntry, dot: number): Version | undefined {
  const index = entry.counter - dot;
  return index >= 0 && index < entry.versions.length ? entry.versions[index] : undefined;
}

function pickCopy(a: Version, b: Version): Version {
  return a === b || compareVersions(a, b) >= 0 ? a : b;
}

/** A total order on version contents: only used to choose between two copies of one dot. */
export function compareVersions(a: Version, b: Version): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs ? -1 : 1;
  if (a.tombstone !== b.tombstone) return a.tombstone ? 1 : -1;
  if (a.expiresAtMs !== b.expiresAtMs) return a.expiresAtMs < b.expiresAtMs ? -1 : 1;
  const kinds = KIND_RANK[kindOf(a)] - KIND_RANK[kindOf(b)];
  if (kinds !== 0) return kinds;
  return Buffer.compare(a.data, b.data);
}

/**
 * A new write coordinated by `actor` on its replica `stored`, made with the client's `context`.
 * Versions whose dot `context` covers are superseded; the rest stay as siblings. The new dot is
 * (actor, max(stored counter, context counter) + 1), so it is above anything the actor issued
 * that either side knows of. The result knows everything `stored` and `context` know.
 *
 * updatedMs: the actor's entry, and any entry whose knowledge the context raises, becomes
 * max(old, nowMs) - "max" so a wall clock that stepped back never makes an entry look older.
 */
export function update(
  stored: DvvSet,
  context: VersionVector,
  actor: string,
  version: Version,
  nowMs: number,
): DvvSet {
  // Indexed loops and no Set: this runs on every write, with one or two entries.
  const entries: ClockEntry[] = [];
  const storedEntries = stored.entries;
  let own: ClockEntry | undefined;
  for (let e = 0; e < storedEntries.length; e++) {
    const entry = storedEntries[e];
    const known = contextCounter(context, entry.actor);
    const raised = known > entry.counter;
    // versions[i] has dot counter - i: it survives iff counter - i > known.
    const keptCount = raised ? 0 : Math.min(entry.versions.length, Math.max(0, entry.counter - known));
    const next: ClockEntry =
      raised || keptCount !== entry.versions.length
        ? {
            actor: entry.actor,
            counter: Math.max(entry.counter, known),
            versions: entry.versions.slice(0, keptCount),
            updatedMs: raised ? Math.max(entry.updatedMs, nowMs) : entry.updatedMs,
          }
        : entry;
    if (entry.actor === actor) own = next;
    else entries.push(next);
  }
  if (context.size > 0) {
    for (const other of context.keys()) {
      const counter = contextCounter(context, other);
      if (counter === 0 || hasActor(storedEntries, other)) continue;
      const next: ClockEntry = { actor: other, counter, versions: [], updatedMs: nowMs };
      if (other === actor) own = next;
      else entries.push(next);
    }
  }
  const versions: Version[] = [version];
  if (own !== undefined) for (let v = 0; v < own.versions.length; v++) versions.push(own.versions[v]);
  entries.push({
    actor,
    counter: (own?.counter ?? 0) + 1,
    versions,
    updatedMs: Math.max(own?.updatedMs ?? nowMs, nowMs),
  });
  if (entries.length > 1) entries.sort(byActor);
  return { entries };
}

function byActor(x: ClockEntry, y: ClockEntry): number {
  return compareActors(x.actor, y.actor);
}

function hasActor(entries: readonly ClockEntry[], actor: string): boolean {
  for (let e = 0; e < entries.length; e++) if (entries[e].actor === actor) return true;
  return false;
}

/** A counter below 1 (or NaN) means "nothing seen"; decodeContext never lets one through anyway. */
function contextCounter(context: VersionVector, actor: string): number {
  const counter = context.get(actor);
  return counter !== undefined && counter >= 1 ? Math.floor(counter) : 0;
}

function equalVersions(a: Version, b: Version): boolean {
  return a === b || compareVersions(a, b) === 0;
}

/** Structural equality: same entries, counters, updatedMs and version contents. */
export function equalSets(a: DvvSet, b: DvvSet): boolean {
  if (a === b) return true;
  if (a.entries.length !== b.entries.length) return false;
  return a.entries.every((x, i) => {
    const y = b.entries[i];
    return (
      x.actor === y.actor &&
      x.counter === y.counter &&
      x.updatedMs === y.updatedMs &&
      x.versions.length === y.versions.length &&
      x.versions.every((version, k) => equalVersions(version, y.versions[k]))
    );
  });
}
