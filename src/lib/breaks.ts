/**
 * Deliberate bugs for the simulator (`npm run sim -- --break NAME`): each one switches off a
 * guarantee at one site, so the simulator's checkers can be shown to catch it. A checker that has
 * never failed proves nothing. Production never passes a Breaks; every hook defaults to NO_BREAKS.
 */
export type BreakName =
  | 'skip-hint-storage'
  | 'read-repair-drops-siblings'
  | 'clock-merge-loses-entry'
  | 'ack-before-w'
  | 'reap-unconfirmed'
  | 'merkle-update-skipped'
  | 'datatype-write-drops-siblings';

export const BREAK_NAMES: readonly BreakName[] = [
  'skip-hint-storage',
  'read-repair-drops-siblings',
  'clock-merge-loses-entry',
  'ack-before-w',
  'reap-unconfirmed',
  'merkle-update-skipped',
  'datatype-write-drops-siblings',
];

export interface Breaks {
  has(name: BreakName): boolean;
}

export const NO_BREAKS: Breaks = Object.freeze({ has: (_name: BreakName) => false });

/** A switchboard with exactly `names` on. */
export function breaksOf(names: readonly BreakName[]): Breaks {
  const on = new Set(names);
  return { has: (name) => on.has(name) };
}

export function isBreakName(text: string): text is BreakName {
  return (BREAK_NAMES as readonly string[]).includes(text);
}
