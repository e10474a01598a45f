/**
 * The joins of both data types are join-semilattice merges: commutative, associative and
 * idempotent on every state a run can reach, so replicas converge whatever order and however
 * often read repair, hints and anti-entropy deliver them; and a join only ever grows a state.
 */
import fc from 'fast-check';
import { counterLeq, equalCounters, equalOrswots, orswotLeq } from '../../../src/datatypes/compare';
import { decodeCounter, decodeOrswot, encodeCounter, encodeOrswot } from '../../../src/datatypes/codec';
import { EMPTY_ORSWOT, joinOrswots } from '../../../src/datatypes/orswot';
import { EMPTY_COUNTER, joinCounters } from '../../../src/datatypes/pn-counter';
import { historyArb, run } from './histories';

const RUNS = { numRuns: 400 };

describe('PN-counter join', () => {
  it('is commutative, associative and idempotent, with the empty counter as identity', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const [a, b, c] = run(ops).map((r) => r.counter);
        return (
          equalCounters(joinCounters(a, b), joinCounters(b, a)) &&
          equalCounters(joinCounters(joinCounters(a, b), c), joinCounters(a, joinCounters(b, c))) &&
          equalCounters(joinCounters(a, { ...a, entries: [...a.entries] }), a) &&
          equalCounters(joinCounters(a, EMPTY_COUNTER), a) &&
          counterLeq(a, joinCounters(a, b))
        );
      }),
      RUNS,
    );
  });

  it('survives its codec unchanged (equal states, equal bytes)', () => {
    fc.assert(
      fc.property(historyArb, (ops) =>
        run(ops).every(({ counter }) => {
          const bytes = encodeCounter(counter);
          return equalCounters(decodeCounter(bytes), counter) && encodeCounter(decodeCounter(bytes)).equals(bytes);
        }),
      ),
      RUNS,
    );
  });
});

describe('ORSWOT join', () => {
  it('is commutative, associative and idempotent, with the empty set as identity', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const [a, b, c] = run(ops).map((r) => r.set);
        return (
          equalOrswots(joinOrswots(a, b), joinOrswots(b, a)) &&
          equalOrswots(joinOrswots(joinOrswots(a, b), c), joinOrswots(a, joinOrswots(b, c))) &&
          equalOrswots(joinOrswots(a, { clock: new Map(a.clock), members: new Map(a.members) }), a) &&
          equalOrswots(joinOrswots(a, EMPTY_ORSWOT), a) &&
          orswotLeq(a, joinOrswots(a, b))
        );
      }),
      RUNS,
    );
  });

  it('survives its codec unchanged (equal states, equal bytes)', () => {
    fc.assert(
      fc.property(historyArb, (ops) =>
        run(ops).every(({ set }) => {
          const bytes = encodeOrswot(set);
          return equalOrswots(decodeOrswot(bytes), set) && encodeOrswot(decodeOrswot(bytes)).equals(bytes);
        }),
      ),
      RUNS,
    );
  });
});
