/**
 * Equality and the lattice order of counter and set states: `a <= b` iff b already includes
 * everything a knows (join(a, b) equals b). Merge laws and read repair reason with these. Pure.
 */
import { type Orswot, joinOrswots } from './orswot';
import { type PnCounter, joinCounters } from './pn-counter';

export function equalCounters(a: PnCounter, b: PnCounter): boolean {
  if (a === b) return true;
  if ((a.base === undefined) !== (b.base === undefined)) return false;
  if (a.base && b.base) {
    const [x, y] = [a.base, b.base];
    if (x.value !== y.value || x.stamp.timestampMs !== y.stamp.timestampMs || x.stamp.dot.actor !== y.stamp.dot.actor || x.stamp.dot.counter !== y.stamp.dot.counter) return false;
  }
  return (
    a.entries.length === b.entries.length &&
    a.entries.every((x, i) => {
      const y = b.entries[i];
      return x.actor === y.actor && x.start === y.start && x.increments === y.increments && x.decrements === y.decrements && x.updatedMs === y.updatedMs;
    })
  );
}

export function equalOrswots(a: Orswot, b: Orswot): boolean {
  if (a === b) return true;
  if (a.clock.size !== b.clock.size || a.members.size !== b.members.size) return false;
  for (const [actor, x] of a.clock) {
    const y = b.clock.get(actor);
    if (!y || x.counter !== y.counter || x.updatedMs !== y.updatedMs) return false;
  }
  for (const [member, x] of a.members) {
    const y = b.members.get(member);
    if (!y || x.length !== y.length || x.some((dot, i) => dot.actor !== y[i].actor || dot.counter !== y[i].counter)) return false;
  }
  return true;
}

export function counterLeq(a: PnCounter, b: PnCounter): boolean {
  return equalCounters(joinCounters(a, b), b);
}

export function orswotLeq(a: Orswot, b: Orswot): boolean {
  return equalOrswots(joinOrswots(a, b), b);
}
