/** How many concurrent versions a key may hold (DESIGN: warn at 25, refuse at 100). */
export interface SiblingLimits {
  /** Above this many siblings a key is logged as in trouble. */
  readonly warnAt: number;
  /** A write that would leave more siblings than this is refused. */
  readonly max: number;
}

export const DEFAULT_SIBLING_LIMITS: SiblingLimits = { warnAt: 25, max: 100 };
