/**
 * DVVSet against the naive causal-history model of Almeida et al.: every version carries the
 * full set of events it causally follows; a replica holds the versions no other version it knows
 * of strictly follows. After every step the DVVSet's siblings must be exactly the model's
 * versions (same dots, same contents), and join() must be exactly the events the model knows.
 */
import fc from 'fast-check';
import {
  EMPTY_DVVSET,
  compareActors,
  join,
  siblings,
  sync,
  update,
  type DvvSet,
  type Version,
  type VersionVector,
} from '../../../src/versioning/dvvset';
import { REPLICAS, WRITERS, stepArb, type Step } from './arbitraries';

interface ModelVersion {
  readonly dot: string; // "actor:counter"
  readonly version: Version;
  readonly history: ReadonlySet<string>; // every event it follows, its own dot included
}

const dotKey = (actor: string, counter: number) => `${actor}:${counter}`;

function isStrictSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size >= b.size) return false;
  for (const event of a) if (!b.has(event)) return false;
  return true;
}

/** Keeps the versions no other one strictly follows. */
function maximal(versions: readonly ModelVersion[]): ModelVersion[] {
  const unique = [...new Map(versions.map((v) => [v.dot, v])).values()];
  return unique.filter((v) => !unique.some((u) => isStrictSubset(v.history, u.history)));
}

function known(versions: readonly ModelVersion[]): Set<string> {
  const events = new Set<string>();
  for (const v of versions) for (const event of v.history) events.add(event);
  return events;
}

/** The model's knowledge as a version vector; fails if it is not downward closed per actor. */
function asVector(events: ReadonlySet<string>): Map<string, number> {
  const vector = new Map<string, number>();
  for (const event of events) {
    const split = event.lastIndexOf(':');
    const actor = event.slice(0, split);
    vector.set(actor, Math.max(vector.get(actor) ?? 0, Number(event.slice(split + 1))));
  }
  let total = 0;
  for (const counter of vector.values()) total += counter;
  expect(total).toBe(events.size);
  return new Map([...vector].sort(([a], [b]) => compareActors(a, b)));
}

function checkInvariants(set: DvvSet): void {
  set.entries.forEach((entry, i) => {
    if (i > 0) expect(compareActors(set.entries[i - 1].actor, entry.actor)).toBeLessThan(0);
    expect(entry.counter).toBeGreaterThanOrEqual(1);
    expect(entry.versions.length).toBeLessThanOrEqual(entry.counter);
  });
}

function checkAgainstModel(set: DvvSet, model: readonly ModelVersion[]): void {
  checkInvariants(set);
  const actual = siblings(set).map((s) => [dotKey(s.dot.actor, s.dot.counter), s.version] as const);
  const expected = model.map((v) => [v.dot, v.version] as const);
  const byDot = (x: readonly [string, Version], y: readonly [string, Version]) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
  expect(actual.sort(byDot)).toEqual(expected.sort(byDot));
  expect(join(set)).toEqual(asVector(known(model)));
}

function run(steps: readonly Step[]): void {
  const sets: DvvSet[] = Array.from({ length: REPLICAS }, () => EMPTY_DVVSET);
  const models: ModelVersion[][] = Array.from({ length: REPLICAS }, () => []);
  const reads: Array<{ vector: VersionVector; events: ReadonlySet<string> }> = [];
  const issued = new Map<string, number>();

  for (const step of steps) {
    if (step.kind === 'read') {
      reads.push({ vector: join(sets[step.replica]), events: known(models[step.replica]) });
    } else if (step.kind === 'sync') {
      sets[step.to] = sync(sets[step.to], sets[step.from]);
      models[step.to] = maximal([...models[step.to], ...models[step.from]]);
    } else {
      const actor = WRITERS[step.replica];
      const read = step.read === null || reads.length === 0 ? undefined : reads[step.read % reads.length];
      const counter = (issued.get(actor) ?? 0) + 1;
      issued.set(actor, counter);
      const dot = dotKey(actor, counter);
      const written: ModelVersion = { dot, version: step.version, history: new Set([...(read?.events ?? []), dot]) };
      sets[step.replica] = update(sets[step.replica], read?.vector ?? new Map(), actor, step.version, step.nowMs);
      models[step.replica] = maximal([...models[step.replica], written]);
    }
    for (let i = 0; i < REPLICAS; i++) checkAgainstModel(sets[i], models[i]);
  }
}

describe('DVVSet against the causal-history model', () => {
  it('has exactly the maximal versions and the known events after every step', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => run(steps)),
      { numRuns: 400 },
    );
  });

  it('stays exact over long runs with deep histories', () => {
    const long = fc.array(stepArb, { minLength: 60, maxLength: 100 });
    fc.assert(fc.property(long, (steps) => run(steps)), { numRuns: 50 });
  });
});
