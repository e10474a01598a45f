/**
 * A connection a peer dialed to us: wait for its Hello, answer HelloAck (or refuse and close),
 * then answer each of its requests through the transport's handler, in any order, each with the
 * request's id.
 *
 * Nothing the peer sends can crash the node: garbage or a protocol violation drops this
 * connection with a warn line naming the peer; a refused handshake gets an ErrorReply and a
 * warn line with both version ranges; a handler that throws or rejects becomes ErrorReply
 * INTERNAL. Work is bounded: at most servingRequestsMax requests are in the handler at once
 * (more get UNAVAILABLE), and a peer that does not read its responses is dropped once
 * outputBytesMax of them are queued.
 */
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../lib/clock';
import type { Logger } from '../lib/log';
import { isRequestBody, isResponseBody, type Body, type ErrorReply, type ErrorReplyCode, type Hello, type ResponseBody } from './bodies';
import type { Envelope } from './codec';
import { FramedStream } from './framed-stream';
import { answerHello, type LocalIdentity } from './handshake';
import type { PeerLimits } from './peer-limits';
import type { RequestHandler } from './transport';

export interface InboundConnectionOptions {
  /** The remote end, `host:port` (an ephemeral port: the peer's identity comes from Hello). */
  readonly remote: string;
  readonly local: LocalIdentity;
  readonly limits: PeerLimits;
  readonly clock: Clock;
  /** Carries `{peer}`. */
  readonly logger: Logger;
  /** The transport's handler, undefined until serve() is called. */
  readonly handler: () => RequestHandler | undefined;
  /** A protocol violation was detected (for stats). */
  readonly onGarbage: () => void;
  readonly onClosed: (connection: InboundConnection) => void;
}

type State = 'handshaking' | 'ready' | 'closed';

export class InboundConnection {
  readonly #options: InboundConnectionOptions;
  readonly #framed: FramedStream;
  #logger: Logger;
  #state: State = 'handshaking';
  #handshakeTimer: TimerHandle | undefined;
  #version = 0;
  #peerNodeId = '';
  #serving = 0;

  constructor(stream: Duplex, options: InboundConnectionOptions) {
    this.#options = options;
    this.#logger = options.logger;
    const { limits, clock } = options;
    this.#framed = new FramedStream(
      stream,
      { frameBytesMax: limits.frameBytesMax, closeGraceMs: limits.closeGraceMs, clock },
      {
        onEnvelope: (envelope) => this.#onEnvelope(envelope),
        onGarbage: (reason) => this.#onGarbage(reason),
        onClose: () => this.#close(false),
      },
    );
    this.#handshakeTimer = clock.setTimer(limits.handshakeTimeoutMs, () => {
      this.#logger.warn(`dropping connection from ${options.remote}: no Hello within ${limits.handshakeTimeoutMs} ms`);
      this.#close(false);
    });
  }

  get closed(): Promise<void> {
    return this.#framed.closed;
  }

  /** Stop answering and end the connection cleanly (transport close). */
  shutdown(): void {
    this.#close(true);
  }

  #onEnvelope(envelope: Envelope): void {
    if (this.#state === 'handshaking') this.#onHello(envelope);
    else if (this.#state === 'ready') this.#onRequest(envelope);
  }

  #onHello(envelope: Envelope): void {
    const { body } = envelope;
    const { local, remote } = this.#options;
    if (body.kind !== 'hello' || envelope.requestId !== 0) {
      this.#options.onGarbage();
      this.#logger.warn({ kind: body.kind }, `dropping connection from ${remote}: first message is ${body.kind}, not Hello`);
      this.#refuse(errorReply('BAD_REQUEST', `the first message must be Hello, not ${body.kind}`));
      return;
    }
    const verdict = answerHello(local, body);
    if (!verdict.accepted) {
      this.#logger.warn(this.#helloFields(body, verdict.refusal.code), `refusing peer ${body.nodeId} at ${remote} (advertised ${body.host}:${body.peerPort}): ${verdict.refusal.message}`);
      this.#refuse(verdict.refusal);
      return;
    }
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = undefined;
    this.#state = 'ready';
    this.#version = verdict.ack.version;
    this.#peerNodeId = body.nodeId;
    this.#logger = this.#logger.child({ peerNodeId: body.nodeId });
    this.#write(0, verdict.ack);
    this.#logger.debug(this.#helloFields(body, undefined), 'peer connected');
  }

  #helloFields(hello: Hello, code: string | undefined) {
    const { versions } = this.#options.local;
    return {
      peerNodeId: hello.nodeId,
      peerAdvertised: `${hello.host}:${hello.peerPort}`,
      peerCluster: hello.clusterName,
      peerVersionMin: hello.versionMin,
      peerVersionMax: hello.versionMax,
      versionMin: versions.min,
      versionMax: versions.max,
      code,
    };
  }

  #onRequest(envelope: Envelope): void {
    const { body, requestId } = envelope;
    if (!isRequestBody(body)) return this.#onGarbage(`${body.kind} sent as a request`);
    if (requestId === 0) return this.#onGarbage('request without a request id');
    if (envelope.protocolVersion !== this.#version) {
      return this.#onGarbage(`envelope version ${envelope.protocolVersion} on a connection at version ${this.#version}`);
    }
    if (envelope.from !== this.#peerNodeId) return this.#onGarbage(`envelope from '${envelope.from}', handshake said '${this.#peerNodeId}'`);
    const handler = this.#options.handler();
    if (handler === undefined) return this.#write(requestId, errorReply('UNAVAILABLE', 'node is not serving peer requests yet'));
    if (this.#serving >= this.#options.limits.servingRequestsMax) {
      return this.#write(requestId, errorReply('UNAVAILABLE', `${this.#serving} requests in progress (servingRequestsMax)`));
    }
    this.#serving++;
    let answer: ResponseBody | Promise<ResponseBody>;
    try {
      answer = handler(this.#peerNodeId, body);
    } catch (err) {
      answer = Promise.reject(err);
    }
    if (!(answer instanceof Promise)) return this.#answer(requestId, body.kind, answer);
    answer.then(
      (response) => this.#answer(requestId, body.kind, response),
      (err: unknown) => this.#answer(requestId, body.kind, undefined, err),
    );
  }

  #answer(requestId: number, kind: Body['kind'], response: ResponseBody | undefined, err?: unknown): void {
    this.#serving--;
    if (this.#state !== 'ready') return;
    if (response !== undefined && !isResponseBody(response as Body)) {
      err = new Error(`handler answered ${kind} with ${(response as Body | undefined)?.kind ?? String(response)}`);
      response = undefined;
    }
    if (response === undefined) {
      const message = err instanceof Error ? err.message : String(err);
      this.#logger.warn({ err, kind }, `peer request handler failed: ${message}`);
      response = errorReply('INTERNAL', message);
    }
    this.#write(requestId, response);
  }

  #write(requestId: number, body: Body): void {
    const { local, limits, remote } = this.#options;
    const envelope = { protocolVersion: this.#version, from: local.nodeId, requestId, body };
    const result = this.#framed.send(envelope);
    if (!result.sent) {
      const message = `${body.kind} of ${result.frameBytes} bytes over frameBytesMax ${limits.frameBytesMax}`;
      this.#logger.warn({ kind: body.kind, frameBytes: result.frameBytes }, `response too large: ${message}`);
      this.#framed.send({ ...envelope, body: errorReply('INTERNAL', message) });
    }
    if (this.#framed.outputBytes > limits.outputBytesMax) {
      this.#logger.warn({ outputBytes: this.#framed.outputBytes }, `dropping connection from ${remote}: the peer is not reading its responses`);
      this.#close(false);
    }
  }

  /** Answer the handshake with an ErrorReply, then close. */
  #refuse(refusal: ErrorReply): void {
    const { local } = this.#options;
    this.#framed.send({ protocolVersion: local.versions.max, from: local.nodeId, requestId: 0, body: refusal });
    this.#close(true);
  }

  #onGarbage(reason: string): void {
    this.#options.onGarbage();
    const who = this.#peerNodeId ? `peer ${this.#peerNodeId} at ${this.#options.remote}` : this.#options.remote;
    this.#logger.warn({ reason }, `dropping connection from ${who}: protocol error: ${reason}`);
    this.#close(false);
  }

  #close(graceful: boolean): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#handshakeTimer?.cancel();
    this.#handshakeTimer = undefined;
    if (graceful) this.#framed.end();
    else this.#framed.destroy();
    this.#options.onClosed(this);
  }
}

function errorReply(code: ErrorReplyCode, message: string): ErrorReply {
  return { kind: 'errorReply', code, message };
}
