import { SeededRandom } from '../../../src/lib/random';
import { DEFAULT_PHI_ACCRUAL_OPTIONS, PHI_DOWN, PHI_SUSPECT, PhiAccrualDetector } from '../../../src/membership/phi-accrual';

/** Heartbeats every second with up to ±jitterMs of noise; returns the detector and the last arrival. */
function steadyHeartbeats(count: number, jitterMs: number, seed = 1): { detector: PhiAccrualDetector; lastMs: number } {
  const random = new SeededRandom(seed);
  const detector = new PhiAccrualDetector();
  let nowMs = 50_000;
  for (let i = 0; i < count; i++) {
    detector.record(nowMs);
    if (i < count - 1) nowMs += 1000 + (random.float() * 2 - 1) * jitterMs;
  }
  return { detector, lastMs: nowMs };
}

/** The first silence (in 10 ms steps) at which the detector reaches `phi`. */
function silenceUntilPhiMs(detector: PhiAccrualDetector, lastMs: number, phi: number): number {
  for (let afterMs = 0; afterMs <= 60_000; afterMs += 10) {
    if (detector.phi(lastMs + afterMs) >= phi) return afterMs;
  }
  throw new Error(`phi never reached ${phi}`);
}

describe('PhiAccrualDetector', () => {
  it('has phi 0 and calls the peer up before any heartbeat', () => {
    const detector = new PhiAccrualDetector();
    expect(detector.phi(123_456)).toBe(0);
    expect(detector.liveness(123_456)).toBe('up');
  });

  it('keeps a peer with steady 1 s heartbeats and ±200 ms jitter up, even 1.5 s into a gap', () => {
    const random = new SeededRandom(7);
    const detector = new PhiAccrualDetector();
    let nowMs = 0;
    for (let i = 0; i < 500; i++) {
      detector.record(nowMs);
      expect(detector.liveness(nowMs + 1500)).toBe('up');
      nowMs += 1000 + (random.float() * 2 - 1) * 200;
      expect(detector.liveness(nowMs)).toBe('up');
      expect(detector.phi(nowMs)).toBeLessThan(1);
    }
  });

  it('raises phi steadily over a missed heartbeat', () => {
    const { detector, lastMs } = steadyHeartbeats(100, 50);
    const phis = [0, 500, 1000, 2000, 3000, 3500, 4000, 4500, 5000, 8000].map((afterMs) => detector.phi(lastMs + afterMs));
    for (let i = 1; i < phis.length; i++) expect(phis[i]).toBeGreaterThan(phis[i - 1]!);
    expect(phis[2]).toBeLessThan(0.1); // one interval late is normal
    expect(phis[9]).toBeGreaterThan(20);
    expect(Number.isFinite(detector.phi(lastMs + 10 * 60_000))).toBe(true);
  });

  it('turns suspect at phi 5 about 4 s and down at phi 8 about 4.3 s into a silence (1 s heartbeats, jitter)', () => {
    const { detector, lastMs } = steadyHeartbeats(200, 100);
    const suspectMs = silenceUntilPhiMs(detector, lastMs, PHI_SUSPECT);
    const downMs = silenceUntilPhiMs(detector, lastMs, PHI_DOWN);
    expect(suspectMs).toBeGreaterThan(3800);
    expect(suspectMs).toBeLessThan(4300);
    expect(downMs).toBeGreaterThan(suspectMs);
    expect(downMs).toBeLessThan(4700);
    expect(detector.liveness(lastMs + suspectMs - 10)).toBe('up');
    expect(detector.liveness(lastMs + suspectMs)).toBe('suspect');
    expect(detector.liveness(lastMs + downMs - 10)).toBe('suspect');
    expect(detector.liveness(lastMs + downMs)).toBe('down');
  });

  it('comes back up as soon as a heartbeat arrives', () => {
    const { detector, lastMs } = steadyHeartbeats(50, 0);
    expect(detector.liveness(lastMs + 10_000)).toBe('down');
    detector.record(lastMs + 10_000);
    expect(detector.liveness(lastMs + 10_000)).toBe('up');
    expect(detector.liveness(lastMs + 11_000)).toBe('up');
  });

  it('judges a peer by the second heartbeat using the first-heartbeat estimate', () => {
    const detector = new PhiAccrualDetector();
    detector.record(0);
    expect(detector.sampleCount).toBe(2);
    expect(detector.liveness(1000)).toBe('up');
    expect(detector.liveness(3000)).toBe('up');
    expect(detector.liveness(10_000)).toBe('down');
  });

  it('adapts to a slower heartbeat within the sample window', () => {
    const detector = new PhiAccrualDetector({ sampleWindowMax: 50 });
    let nowMs = 0;
    for (let i = 0; i < 200; i++) detector.record((nowMs += 1000));
    expect(detector.liveness(nowMs + 6000)).toBe('down');
    for (let i = 0; i < 50; i++) detector.record((nowMs += 5000));
    expect(detector.liveness(nowMs + 6000)).toBe('up');
  });

  it('keeps at most sampleWindowMax intervals', () => {
    const detector = new PhiAccrualDetector({ sampleWindowMax: 10 });
    for (let i = 0; i < 1000; i++) detector.record(i * 1000);
    expect(detector.sampleCount).toBe(10);
    expect(DEFAULT_PHI_ACCRUAL_OPTIONS.sampleWindowMax).toBe(200);
  });

  it('uses the minimum standard deviation for perfectly regular heartbeats', () => {
    const loose = new PhiAccrualDetector({ minStdDeviationMs: 500, acceptableHeartbeatPauseMs: 0 });
    const tight = new PhiAccrualDetector({ minStdDeviationMs: 10, acceptableHeartbeatPauseMs: 0 });
    for (let i = 0; i < 100; i++) {
      loose.record(i * 1000);
      tight.record(i * 1000);
    }
    expect(loose.phi(99_000 + 1200)).toBeLessThan(1);
    expect(tight.phi(99_000 + 1200)).toBeGreaterThan(PHI_DOWN);
  });

  it('tolerates a pause of acceptableHeartbeatPauseMs', () => {
    const strict = new PhiAccrualDetector({ acceptableHeartbeatPauseMs: 0 });
    const tolerant = new PhiAccrualDetector({ acceptableHeartbeatPauseMs: 3000 });
    for (let i = 0; i < 100; i++) {
      strict.record(i * 1000);
      tolerant.record(i * 1000);
    }
    expect(strict.liveness(99_000 + 3500)).toBe('down');
    expect(tolerant.liveness(99_000 + 3500)).toBe('up');
  });

  it('ignores an arrival that is not later than the last one', () => {
    const detector = new PhiAccrualDetector();
    for (let i = 0; i < 10; i++) detector.record(i * 1000);
    const before = detector.phi(12_000);
    detector.record(9000);
    detector.record(5000);
    expect(detector.sampleCount).toBe(11);
    expect(detector.phi(12_000)).toBe(before);
    expect(detector.phi(8000)).toBe(0);
  });

  it('refuses nonsensical options', () => {
    expect(() => new PhiAccrualDetector({ sampleWindowMax: 1 })).toThrow(RangeError);
    expect(() => new PhiAccrualDetector({ minStdDeviationMs: 0 })).toThrow(RangeError);
    expect(() => new PhiAccrualDetector({ acceptableHeartbeatPauseMs: -1 })).toThrow(RangeError);
    expect(() => new PhiAccrualDetector({ firstHeartbeatEstimateMs: Number.NaN })).toThrow(RangeError);
  });
});
