/** The pure rules of the peer handshake and of the redial backoff. */
import { backoffDelayMs } from '../../../src/peer/backoff';
import { answerHello, checkHelloAck, helloFor, negotiateVersion, type LocalIdentity } from '../../../src/peer/handshake';

const LOCAL: LocalIdentity = { nodeId: 'a', clusterName: 'c', host: 'h', peerPort: 1, clientPort: 2, versions: { min: 2, max: 4 } };

describe('negotiateVersion', () => {
  it.each([
    [{ min: 2, max: 4 }, { min: 1, max: 1 }, undefined],
    [{ min: 2, max: 4 }, { min: 1, max: 2 }, 2],
    [{ min: 2, max: 4 }, { min: 3, max: 9 }, 4],
    [{ min: 2, max: 4 }, { min: 3, max: 3 }, 3],
    [{ min: 2, max: 4 }, { min: 5, max: 6 }, undefined],
    [{ min: 1, max: 1 }, { min: 1, max: 1 }, 1],
  ])('%o with %o gives %s', (local, remote, expected) => {
    expect(negotiateVersion(local, remote)).toBe(expected);
    expect(negotiateVersion(remote, local)).toBe(expected);
  });
});

describe('answerHello', () => {
  const hello = (overrides = {}) => ({ ...helloFor({ ...LOCAL, nodeId: 'b' }), ...overrides });

  it('acks with the highest common version', () => {
    expect(answerHello(LOCAL, hello({ versionMin: 1, versionMax: 3 }))).toEqual({ accepted: true, ack: { kind: 'helloAck', version: 3, nodeId: 'a' } });
  });

  it('refuses disjoint versions naming both ranges', () => {
    expect(answerHello(LOCAL, hello({ versionMin: 99, versionMax: 100 }))).toEqual({
      accepted: false,
      refusal: { kind: 'errorReply', code: 'VERSION', message: 'no common protocol version: node a speaks [2, 4], node b speaks [99, 100]' },
    });
  });

  it('refuses another cluster', () => {
    const verdict = answerHello(LOCAL, hello({ clusterName: 'other' }));
    expect(verdict).toMatchObject({ accepted: false, refusal: { code: 'CLUSTER' } });
  });

  it('lets the dialer check the chosen version', () => {
    expect(checkHelloAck(LOCAL, { kind: 'helloAck', version: 3, nodeId: 'b' })).toBeUndefined();
    expect(checkHelloAck(LOCAL, { kind: 'helloAck', version: 5, nodeId: 'b' })).toMatch(/outside our range \[2, 4\]/);
  });
});

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, maxMs: 5000 };

  it('doubles from baseMs up to maxMs, jittered within the upper half of each step', () => {
    const steps = [100, 200, 400, 800, 1600, 3200, 5000, 5000];
    steps.forEach((stepMs, i) => {
      expect(backoffDelayMs(i + 1, policy, 0)).toBe(stepMs / 2);
      expect(backoffDelayMs(i + 1, policy, 0.999999)).toBeCloseTo(stepMs, 2);
    });
  });

  it('stays finite and capped after very many failures', () => {
    expect(backoffDelayMs(10_000, policy, 0.5)).toBe(3750);
  });
});
