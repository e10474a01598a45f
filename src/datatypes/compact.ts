/**
 * Keeps the writer metadata of counters and sets bounded. Every node restart (a new actor epoch)
 * and every write coordinated by a non-primary (a one-off actor) adds a writer, so without this a
 * hot key's state would grow for ever.
 *
 * The trade-off, as with DVV pruning (src/versioning/prune.ts): merge needs an entry for as long
 * as some replica may still hold an older copy of it in a concurrent sibling. Compaction only
 * touches writers idle for `writerIdleMinMs` (a day), when hinted handoff, read repair and
 * anti-entropy have long converged every replica, and never the writer of the current write.
 * - counter: idle entries are folded into the base (stamped with this write, so merge prefers it
 *   to the base it replaced). A replica still holding a concurrent sibling with a folded entry
 *   would count that entry twice after merging.
 * - set: idle clock actors that no member's dot references are dropped. A replica still holding a
 *   concurrent sibling with a member added by that actor and since removed would bring it back.
 * Pure and deterministic: every coordinator compacts the same state the same way.
 */
import type { Dot } from '../versioning/dvvset';
import type { DataTypeLimits } from './limits';
import { type CounterEntry, type PnCounter, compareStamps } from './pn-counter';
import type { Orswot, OrswotClockEntry } from './orswot';

export function compactCounter(counter: PnCounter, writer: Dot, timestampMs: number, nowMs: number, limits: DataTypeLimits): PnCounter {
  if (counter.entries.length <= limits.writersCompactAt) return counter;
  const idle = (entry: CounterEntry) => entry.actor !== writer.actor && nowMs - entry.updatedMs >= limits.writerIdleMinMs;
  const folded = counter.entries.filter(idle);
  if (folded.length === 0) return counter;
  let value = counter.base?.value ?? 0n;
  for (const entry of folded) value += entry.increments - entry.decrements;
  let stamp = { timestampMs, dot: writer };
  // The new base must win over the one it includes, whatever the clocks did.
  if (counter.base !== undefined && compareStamps(stamp, counter.base.stamp) <= 0) stamp = { timestampMs: counter.base.stamp.timestampMs + 1, dot: writer };
  return { base: { value, stamp }, entries: counter.entries.filter((entry) => !idle(entry)) };
}

export function compactOrswot(set: Orswot, writer: Dot, nowMs: number, limits: DataTypeLimits): Orswot {
  if (set.clock.size <= limits.writersCompactAt) return set;
  const referenced = new Set<string>();
  for (const dots of set.members.values()) for (const dot of dots) referenced.add(dot.actor);
  const clock = new Map<string, OrswotClockEntry>();
  for (const [actor, entry] of set.clock) {
    const droppable = actor !== writer.actor && !referenced.has(actor) && nowMs - entry.updatedMs >= limits.writerIdleMinMs;
    if (!droppable) clock.set(actor, entry);
  }
  return clock.size === set.clock.size ? set : { clock, members: set.members };
}
