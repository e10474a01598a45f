/**
 * OutboundConnection's request timeouts: one timer per connection, armed at the earliest deadline,
 * fails each request at its own deadline, in the order they were made; a request answered in time
 * is not failed; no timer is left once nothing is pending or the connection has closed.
 */
import { Duplex, PassThrough } from 'node:stream';
import type { Body, ResponseBody } from '../../../src/peer/bodies';
import type { Envelope } from '../../../src/peer/codec';
import { FramedStream } from '../../../src/peer/framed-stream';
import { PROTOCOL_VERSION, SUPPORTED_VERSIONS } from '../../../src/peer/handshake';
import { OutboundConnection } from '../../../src/peer/outbound-connection';
import { peerLimitsFor } from '../../../src/peer/peer-limits';
import { PeerError } from '../../../src/peer/transport';
import { ManualClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';

/** Let promise reactions run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Let the in-memory streams carry what was written (they deliver on later ticks). */
async function pump(clock: ManualClock): Promise<void> {
  for (let i = 0; i < 5; i++) {
    clock.runDeferred();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function connected() {
  const clock = new ManualClock();
  const toPeer = new PassThrough();
  const fromPeer = new PassThrough();
  const ours = Duplex.from({ readable: fromPeer, writable: toPeer });
  const theirs = Duplex.from({ readable: toPeer, writable: fromPeer });
  const requests: Envelope[] = [];
  const peer: FramedStream = new FramedStream(
    theirs,
    { frameBytesMax: 1 << 20, closeGraceMs: 1000, clock },
    {
      onEnvelope: (envelope) => {
        if (envelope.body.kind === 'hello') {
          peer.send({ protocolVersion: PROTOCOL_VERSION, from: 'peer', requestId: 0, body: { kind: 'helloAck', version: PROTOCOL_VERSION, nodeId: 'peer' } });
        } else requests.push(envelope);
      },
      onGarbage: () => undefined,
      onClose: () => undefined,
    },
  );
  let ready = false;
  const connection = new OutboundConnection(ours, {
    peer: 'peer:1',
    local: { nodeId: 'self', clusterName: 'test', host: '127.0.0.1', peerPort: 1, clientPort: 2, versions: SUPPORTED_VERSIONS },
    limits: peerLimitsFor(1 << 20),
    clock,
    logger: createSilentLogger(),
    onReady: () => {
      ready = true;
    },
    onClosed: () => undefined,
  });
  await pump(clock);
  expect(ready).toBe(true);
  const answer = (envelope: Envelope, body: ResponseBody) => peer.send({ protocolVersion: PROTOCOL_VERSION, from: 'peer', requestId: envelope.requestId, body: body as Body });
  return { clock, connection, requests, answer };
}

describe('OutboundConnection request timeouts', () => {
  test('each request times out at its own deadline, in request order, with one timer', async () => {
    const { clock, connection } = await connected();
    const outcomes: string[] = [];
    const ask = (name: string, timeoutMs: number) => {
      const record = (outcome: ResponseBody | PeerError) => outcomes.push(`${name}:${outcome instanceof PeerError ? outcome.code : outcome.kind}@${clock.monotonicMs()}`);
      void connection.request({ kind: 'ping' }, timeoutMs).then(record, record);
    };
    ask('a', 100);
    ask('b', 50);
    ask('d', 52);
    clock.advance(10);
    ask('c', 90);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(39);
    await settled();
    expect(outcomes).toEqual([]);
    clock.advance(1);
    await settled();
    expect(outcomes).toEqual(['b:TIMEOUT@50']);
    clock.advance(1);
    await settled();
    expect(outcomes).toEqual(['b:TIMEOUT@50']);
    clock.advance(1);
    await settled();
    expect(outcomes).toEqual(['b:TIMEOUT@50', 'd:TIMEOUT@52']);
    clock.advance(47);
    await settled();
    expect(outcomes).toEqual(['b:TIMEOUT@50', 'd:TIMEOUT@52']);
    clock.advance(1);
    await settled();
    expect(outcomes).toEqual(['b:TIMEOUT@50', 'd:TIMEOUT@52', 'a:TIMEOUT@100', 'c:TIMEOUT@100']);
    expect(connection.pendingCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  test('an answer in time settles the request once; the others still time out; nothing is left', async () => {
    const { clock, connection, requests, answer } = await connected();
    const outcomes: string[] = [];
    const ask = (name: string, timeoutMs: number) => {
      const record = (outcome: ResponseBody | PeerError) => outcomes.push(`${name}:${outcome instanceof PeerError ? outcome.code : outcome.kind}`);
      void connection.request({ kind: 'ping' }, timeoutMs).then(record, record);
    };
    ask('a', 50);
    ask('b', 80);
    await pump(clock);
    expect(requests).toHaveLength(2);
    answer(requests[0], { kind: 'pong' });
    await pump(clock);
    expect(outcomes).toEqual(['a:pong']);
    clock.advance(80);
    await settled();
    expect(outcomes).toEqual(['a:pong', 'b:TIMEOUT']);
    // A late answer to b is dropped.
    answer(requests[1], { kind: 'pong' });
    await pump(clock);
    expect(outcomes).toEqual(['a:pong', 'b:TIMEOUT']);
    expect(clock.pendingTimers).toBe(0);
  });

  test('answered before any deadline: the timer goes with the last pending request', async () => {
    const { clock, connection, requests, answer } = await connected();
    const outcomes: string[] = [];
    const record = (outcome: ResponseBody | PeerError) => outcomes.push(outcome instanceof PeerError ? outcome.code : outcome.kind);
    void connection.request({ kind: 'ping' }, 1000).then(record, record);
    await pump(clock);
    expect(clock.pendingTimers).toBe(1);
    answer(requests[0], { kind: 'pong' });
    await pump(clock);
    expect(outcomes).toEqual(['pong']);
    expect(clock.pendingTimers).toBe(0);
  });

  test('shutdown fails what is pending with CLOSED and leaves no timer', async () => {
    const { clock, connection } = await connected();
    const outcomes: string[] = [];
    const record = (outcome: ResponseBody | PeerError) => outcomes.push(outcome instanceof PeerError ? outcome.code : outcome.kind);
    void connection.request({ kind: 'ping' }, 1000).then(record, record);
    connection.shutdown();
    await settled();
    expect(outcomes).toEqual(['CLOSED']);
    // Only the stream's close grace is left (the peer has not closed its side), and it ends.
    expect(clock.pendingTimers).toBe(1);
    clock.advance(60_000);
    expect(clock.pendingTimers).toBe(0);
  });
});
