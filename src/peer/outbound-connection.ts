/**
 * The connection this node dialed to one peer: it says Hello, waits for HelloAck, then carries
 * every request this node sends that peer, multiplexed by request id. Requests made during the
 * handshake wait (their timeouts already running) and are sent once it succeeds.
 *
 * Invariants: every request is settled exactly once (response, timeout, or the connection's
 * failure); once none is pending no timer is left, and once the connection is closed no request
 * is left pending. `onClosed` is called once, as soon as the connection is known to be unusable,
 * saying whether the attempt counts as a failure for the redial backoff: it does if the
 * handshake never completed or the peer broke the protocol, not if an established connection
 * simply ended (a restarted peer is redialed at once).
 */
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../lib/clock';
import type { Logger } from '../lib/log';
import { isResponseBody, type RequestBody, type ResponseBody } from './bodies';
import type { Envelope } from './codec';
import { FramedStream } from './framed-stream';
import { checkHelloAck, formatRange, helloFor, type LocalIdentity } from './handshake';
import type { PeerLimits } from './peer-limits';
import { PeerError } from './transport';

export interface OutboundConnectionOptions {
  /** The peer's address, `host:port`. */
  readonly peer: string;
  readonly local: LocalIdentity;
  readonly limits: PeerLimits;
  readonly clock: Clock;
  /** Carries `{peer}`. */
  readonly logger: Logger;
  readonly onReady: (connection: OutboundConnection) => void;
  readonly onClosed: (connection: OutboundConnection, failure: PeerError | undefined) => void;
}

interface Pending {
  readonly resolve: (body: ResponseBody) => void;
  readonly reject: (error: PeerError) => void;
  /** Monotonic time at which the request fails with TIMEOUT. */
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  /** Kept only until sent. */
  body: RequestBody | undefined;
}

type State = 'handshaking' | 'ready' | 'closed';

export class OutboundConnection {
  readonly #options: OutboundConnectionOptions;
  readonly #framed: FramedStream;
  readonly #pending = new Map<number, Pending>();
  /** Ids of requests made during the handshake, in order. */
  #unsent: number[] = [];
  #state: State = 'handshaking';
  #handshakeTimer: TimerHandle | undefined;
  #version = 0;
  #peerNodeId = '';
  #nextRequestId = 1;
  /**
   * One timer per connection for the timeouts of all its requests, armed at the earliest
   * deadline, rather than a timer per request: a timer costs about half a microsecond and an
   * object for the collector, on every request of every GET and SET. When it fires it fails what
   * is due and re-arms at the next deadline, so a request still times out at its own deadline.
   */
  #sweepTimer: TimerHandle | undefined;
  #sweepAtMs = Infinity;

  constructor(stream: Duplex, options: OutboundConnectionOptions) {
    this.#options = options;
    const { limits, clock, local } = options;
    this.#framed = new FramedStream(
      stream,
      { frameBytesMax: limits.frameBytesMax, closeGraceMs: limits.closeGraceMs, clock },
      {
        onEnvelope: (envelope) => this.#onEnvelope(envelope),
        onGarbage: (reason) => this.#onGarbage(reason),
        onClose: (error) => this.#onStreamClose(error),
      },
    );
    this.#handshakeTimer = clock.setTimer(limits.handshakeTimeoutMs, () => {
      this.#fail(new PeerError('UNREACHABLE', options.peer, `no handshake within ${limits.handshakeTimeoutMs} ms`), true);
    });
    // The Hello envelope is written in our newest version; Hello's shape never changes.
    this.#framed.send({ protocolVersion: local.versions.max, from: local.nodeId, requestId: 0, body: helloFor(local) });
  }

  get closed(): Promise<void> {
    return this.#framed.closed;
  }

  /** The version agreed in the handshake; undefined until it completes and once closed. */
  get version(): number | undefined {
    return this.#state === 'ready' ? this.#version : undefined;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  request(body: RequestBody, timeoutMs: number): Promise<ResponseBody> {
    const { peer, limits, clock } = this.#options;
    if (this.#state === 'closed') return Promise.reject(new PeerError('CLOSED', peer, 'connection closed'));
    if (this.#pending.size >= limits.pendingRequestsMax) {
      return Promise.reject(new PeerError('REFUSED', peer, `${this.#pending.size} requests in flight (pendingRequestsMax)`));
    }
    if (this.#framed.outputBytes > limits.outputBytesMax) {
      return Promise.reject(new PeerError('REFUSED', peer, `${this.#framed.outputBytes} bytes unsent: the peer is not reading (outputBytesMax)`));
    }
    const requestId = this.#nextRequestId++;
    const deadlineMs = clock.monotonicMs() + timeoutMs;
    return new Promise<ResponseBody>((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject, deadlineMs, timeoutMs, body });
      if (deadlineMs < this.#sweepAtMs) this.#armSweep(deadlineMs);
      if (this.#state === 'ready') this.#send(requestId);
      else this.#unsent.push(requestId);
    });
  }

  /** Fail everything pending with CLOSED and end the connection cleanly (transport close). */
  shutdown(): void {
    this.#fail(new PeerError('CLOSED', this.#options.peer, 'transport closed'), false, true);
  }

  #send(requestId: number): void {
    const pending = this.#pending.get(requestId);
    if (pending?.body === undefined) return; // timed out while waiting for the handshake
    const body = pending.body;
    pending.body = undefined;
    const result = this.#framed.send({ protocolVersion: this.#version, from: this.#options.local.nodeId, requestId, body });
    if (!result.sent) {
      const detail = `request of ${result.frameBytes} bytes over frameBytesMax ${this.#options.limits.frameBytesMax}`;
      this.#settle(requestId)?.reject(new PeerError('REFUSED', this.#options.peer, detail));
    }
  }

  #settle(requestId: number): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    this.#pending.delete(requestId);
    if (this.#pending.size === 0) this.#cancelSweep();
    return pending;
  }

  #armSweep(atMs: number): void {
    this.#sweepTimer?.cancel();
    this.#sweepAtMs = atMs;
    const { clock } = this.#options;
    this.#sweepTimer = clock.setTimer(Math.max(0, atMs - clock.monotonicMs()), () => this.#sweep());
  }

  #cancelSweep(): void {
    this.#sweepTimer?.cancel();
    this.#sweepTimer = undefined;
    this.#sweepAtMs = Infinity;
  }

  /** Fail every request past its deadline (in the order they were made), re-arm for the next. */
  #sweep(): void {
    this.#sweepTimer = undefined;
    this.#sweepAtMs = Infinity;
    const nowMs = this.#options.clock.monotonicMs();
    let nextMs = Infinity;
    const due: Pending[] = [];
    for (const [requestId, pending] of this.#pending) {
      if (pending.deadlineMs <= nowMs) {
        this.#pending.delete(requestId);
        due.push(pending);
      } else if (pending.deadlineMs < nextMs) {
        nextMs = pending.deadlineMs;
      }
    }
    if (nextMs < Infinity) this.#armSweep(nextMs);
    for (const pending of due) pending.reject(new PeerError('TIMEOUT', this.#options.peer, `no response within ${pending.timeoutMs} ms`));
  }

  #onEnvelope(envelope: Envelope): void {
    if (this.#state === 'handshaking') this.#onHandshake(envelope);
    else if (this.#state === 'ready') this.#onResponse(envelope);
  }

  #onHandshake(envelope: Envelope): void {
    const { body } = envelope;
    const { peer, local, logger } = this.#options;
    if (envelope.requestId !== 0) return this.#onGarbage(`handshake answer with request id ${envelope.requestId}`);
    if (body.kind === 'errorReply') {
      logger.warn(
        { peerCode: body.code, peerMessage: body.message, versionMin: local.versions.min, versionMax: local.versions.max },
        `peer ${peer} refused our handshake: ${body.code} ${body.message}`,
      );
      return this.#fail(new PeerError('REFUSED', peer, `handshake refused: ${body.code} ${body.message}`), true);
    }
    if (body.kind !== 'helloAck') return this.#onGarbage(`expected HelloAck, got ${body.kind}`);
    const problem = checkHelloAck(local, body);
    if (problem !== undefined) return this.#onGarbage(problem);
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = undefined;
    this.#state = 'ready';
    this.#version = body.version;
    this.#peerNodeId = body.nodeId;
    logger.debug({ peerNodeId: body.nodeId, version: body.version, versions: formatRange(local.versions) }, 'peer connection ready');
    const unsent = this.#unsent;
    this.#unsent = [];
    for (const requestId of unsent) this.#send(requestId);
    this.#options.onReady(this);
  }

  #onResponse(envelope: Envelope): void {
    const { body } = envelope;
    if (!isResponseBody(body)) return this.#onGarbage(`${body.kind} sent on a connection we dialed`);
    if (envelope.protocolVersion !== this.#version) {
      return this.#onGarbage(`envelope version ${envelope.protocolVersion} on a connection at version ${this.#version}`);
    }
    if (envelope.from !== this.#peerNodeId) return this.#onGarbage(`envelope from '${envelope.from}', handshake said '${this.#peerNodeId}'`);
    const pending = this.#settle(envelope.requestId);
    // An unknown id is a response that came after its request timed out: normal, not garbage.
    if (pending === undefined) this.#options.logger.debug({ requestId: envelope.requestId }, 'late response dropped');
    else pending.resolve(body);
  }

  #onGarbage(reason: string): void {
    const { peer, logger } = this.#options;
    logger.warn({ peerNodeId: this.#peerNodeId || undefined, reason }, `dropping connection to peer ${peer}: protocol error: ${reason}`);
    this.#fail(new PeerError('PROTOCOL', peer, reason), true);
  }

  #onStreamClose(error: Error | undefined): void {
    if (this.#state === 'closed') return;
    const { peer } = this.#options;
    if (this.#state === 'handshaking') {
      this.#fail(new PeerError('UNREACHABLE', peer, error ? error.message : 'closed during the handshake'), true);
    } else {
      this.#fail(new PeerError('CLOSED', peer, error ? `connection lost: ${error.message}` : 'connection closed by the peer'), false);
    }
  }

  /** Close for good: settle every request with `error`, tell the owner once. */
  #fail(error: PeerError, countsAsFailure: boolean, graceful = false): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = undefined;
    this.#unsent = [];
    this.#cancelSweep();
    for (const requestId of [...this.#pending.keys()]) this.#settle(requestId)?.reject(error);
    if (graceful) this.#framed.end();
    else this.#framed.destroy();
    this.#options.onClosed(this, countsAsFailure ? error : undefined);
  }
}
