/** The failure detector on arbitrary heartbeat histories: phi is finite, >= 0, and never falls while silence lasts. */
import fc from 'fast-check';
import { PHI_DOWN, PHI_SUSPECT, PhiAccrualDetector } from '../../../src/membership/phi-accrual';

describe('PhiAccrualDetector (property)', () => {
  it('phi is finite, non-negative and non-decreasing between heartbeats; liveness follows the thresholds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 2, maxLength: 20 }),
        fc.integer({ min: 2, max: 20 }),
        (gapsMs, probesMs, sampleWindowMax) => {
          const detector = new PhiAccrualDetector({ sampleWindowMax });
          let nowMs = 0;
          for (const gapMs of gapsMs) detector.record((nowMs += gapMs));
          expect(detector.sampleCount).toBeLessThanOrEqual(sampleWindowMax);
          let previous = 0;
          for (const afterMs of [...probesMs].sort((a, b) => a - b)) {
            const phi = detector.phi(nowMs + afterMs);
            expect(Number.isFinite(phi)).toBe(true);
            expect(phi).toBeGreaterThanOrEqual(previous);
            previous = phi;
            const expected = phi >= PHI_DOWN ? 'down' : phi >= PHI_SUSPECT ? 'suspect' : 'up';
            expect(detector.liveness(nowMs + afterMs)).toBe(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
