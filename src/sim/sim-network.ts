import { TimerHandle } from '../lib/clock';
import { Random } from '../lib/random';
import type { ErrorReply, RequestBody, ResponseBody } from '../peer/bodies';
import { encodeEnvelope } from '../peer/codec';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_MAX } from '../peer/handshake';
import { PeerAddress, PeerError, RequestHandler, Transport, formatPeerAddress } from '../peer/transport';
import { SimClock } from './sim-clock';

/** How unreliable the links are right now. */
export interface LinkFaults {
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  readonly delayMinMs: number;
  /** Delays are uniform in [delayMinMs, delayMaxMs]: independent delays reorder messages. */
  readonly delayMaxMs: number;
}

export const CALM_LINKS: LinkFaults = { dropProbability: 0, duplicateProbability: 0, delayMinMs: 1, delayMaxMs: 5 };

interface Endpoint {
  readonly nodeId: string;
  readonly address: string;
  /** Bumped on every crash/restart: messages for an older incarnation are lost. */
  incarnation: number;
  /** False while crashed or paused: it neither sends nor receives. */
  up: boolean;
  transport: SimTransport | undefined;
}

/** Called for every request a node sends, before faults apply (the checkers learn dots from it). */
export type SendObserver = (from: string, to: string, body: RequestBody) => void;

/**
 * An in-memory network for the simulator. All chance comes from one Random and all time from the
 * shared clock, so a run replays exactly. Faults: random delay (hence reordering), drops,
 * duplicates, one-way cuts (a symmetric partition is two cuts), and endpoints that are down.
 */
export class SimNetwork {
  readonly #clock: SimClock;
  readonly #random: Random;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byNode = new Map<string, Endpoint>();
  /** `from>to` for every link that currently loses everything. */
  readonly #cuts = new Set<string>();
  readonly #observers: SendObserver[] = [];
  faults: LinkFaults = CALM_LINKS;
  /** Handler failures: the real handler never throws, so each one is a bug. */
  readonly handlerErrors: string[] = [];
  /** Body kinds whose messages are counted and sized (the scale model); empty = none, no cost. */
  #measured: ReadonlySet<string> = new Set();
  #messages = 0;
  #bytes = 0;

  constructor(clock: SimClock, random: Random) {
    this.#clock = clock;
    this.#random = random;
  }

  /** Count messages of these kinds from now on, with their encoded envelope sizes. */
  measure(kinds: ReadonlySet<string>): void {
    this.#measured = kinds;
    this.#messages = 0;
    this.#bytes = 0;
  }

  traffic(): { messages: number; bytes: number } {
    return { messages: this.#messages, bytes: this.#bytes };
  }

  /** Requests and responses alike, as sent (before drops): what the sender pays for. */
  #count(from: string, body: RequestBody | ResponseBody): void {
    if (!this.#measured.has(body.kind)) return;
    this.#messages++;
    // A 4-byte length prefix frames every envelope on the TCP transport.
    this.#bytes += 4 + encodeEnvelope({ protocolVersion: PROTOCOL_VERSION, from, requestId: this.#messages, body }).length;
  }

  observe(observer: SendObserver): void {
    this.#observers.push(observer);
  }

  /** Register a node (once); `address` is its `host:port`. */
  addNode(nodeId: string, address: PeerAddress): void {
    const text = formatPeerAddress(address);
    const endpoint: Endpoint = { nodeId, address: text, incarnation: 0, up: false, transport: undefined };
    this.#endpoints.set(text, endpoint);
    this.#byNode.set(nodeId, endpoint);
  }

  /** A fresh transport for a node's new incarnation; the node is up from now. */
  open(nodeId: string): Transport {
    const endpoint = this.#endpoint(nodeId);
    endpoint.transport?.fail('CLOSED');
    endpoint.incarnation++;
    endpoint.up = true;
    const transport = new SimTransport(this, endpoint.nodeId, endpoint.incarnation);
    endpoint.transport = transport;
    return transport;
  }

  /** The process died: in-flight requests it sent fail, nothing reaches it, replies to it are lost. */
  crash(nodeId: string): void {
    const endpoint = this.#endpoint(nodeId);
    endpoint.up = false;
    endpoint.incarnation++;
    endpoint.transport?.abandon();
    endpoint.transport = undefined;
  }

  /** Paused (SIGSTOP): nothing in or out; its own requests time out. */
  setUp(nodeId: string, up: boolean): void {
    this.#endpoint(nodeId).up = up;
  }

  cut(from: string, to: string): void {
    this.#cuts.add(`${from}>${to}`);
  }

  healAll(): void {
    this.#cuts.clear();
  }

  get cuts(): readonly string[] {
    return [...this.#cuts].sort();
  }

  isUp(nodeId: string): boolean {
    return this.#endpoint(nodeId).up;
  }

  /** Called by a transport: send `body` towards `address`, and call `onReply` if an answer gets back. */
  send(fromNode: string, fromIncarnation: number, address: PeerAddress, body: RequestBody, onReply: (reply: ResponseBody) => void): 'sent' | 'unknown' {
    const target = this.#endpoints.get(formatPeerAddress(address));
    if (!target) return 'unknown';
    for (const observer of this.#observers) observer(fromNode, target.nodeId, body);
    this.#count(fromNode, body);
    // TCP never delivers a request twice, and a forwarded mutation is not idempotent (no request
    // id): duplicating it would model a transport dynkv does not have. Replica writes, reads and
    // gossip are duplicated to test that they are idempotent.
    this.#carry(fromNode, target.nodeId, body.kind !== 'forwardMutation', () => {
      if (!target.up || !target.transport) return;
      const handler = target.transport.handler;
      if (!handler) return;
      const targetIncarnation = target.incarnation;
      let answer: ResponseBody | Promise<ResponseBody>;
      try {
        answer = handler(fromNode, copyBody(body));
      } catch (err) {
        answer = Promise.reject(err);
      }
      Promise.resolve(answer).then(
        (reply) => this.#reply(target, targetIncarnation, fromNode, fromIncarnation, reply, onReply),
        (err: unknown) => {
          this.handlerErrors.push(`${target.nodeId} handler threw on ${body.kind}: ${(err as Error).message}`);
          const reply: ErrorReply = { kind: 'errorReply', code: 'INTERNAL', message: (err as Error).message };
          this.#reply(target, targetIncarnation, fromNode, fromIncarnation, reply, onReply);
        },
      );
    });
    return 'sent';
  }

  #reply(from: Endpoint, fromIncarnation: number, toNode: string, toIncarnation: number, reply: ResponseBody, onReply: (reply: ResponseBody) => void): void {
    // A node that crashed or paused while handling the request never answers.
    if (!from.up || from.incarnation !== fromIncarnation) return;
    this.#count(from.nodeId, reply);
    this.#carry(from.nodeId, toNode, true, () => {
      const to = this.#endpoint(toNode);
      if (to.up && to.incarnation === toIncarnation) onReply(copyBody(reply));
    });
  }

  /** Deliver (maybe twice, maybe never) after a random delay, unless the link is cut. */
  #carry(from: string, to: string, mayDuplicate: boolean, deliver: () => void): void {
    if (this.#cuts.has(`${from}>${to}`) || !this.#endpoint(from).up) return;
    const { dropProbability, duplicateProbability, delayMinMs, delayMaxMs } = this.faults;
    if (this.#random.float() < dropProbability) return;
    const copies = this.#random.float() < duplicateProbability && mayDuplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delayMs = delayMinMs + this.#random.int(delayMaxMs - delayMinMs + 1);
      this.#clock.setTimer(delayMs, () => {
        // A partition that formed while the message was in flight loses it too.
        if (!this.#cuts.has(`${from}>${to}`)) deliver();
      });
    }
  }

  #endpoint(nodeId: string): Endpoint {
    const endpoint = this.#byNode.get(nodeId);
    if (!endpoint) throw new Error(`unknown sim node ${nodeId}`);
    return endpoint;
  }

  /** Used by transports to learn whether they may still send. */
  endpointState(nodeId: string): { up: boolean; incarnation: number } {
    const endpoint = this.#endpoint(nodeId);
    return { up: endpoint.up, incarnation: endpoint.incarnation };
  }

  get clock(): SimClock {
    return this.#clock;
  }
}

interface Pending {
  readonly reject: (err: PeerError) => void;
  readonly timer: TimerHandle;
  readonly peer: string;
}

/** One node incarnation's Transport over the SimNetwork. */
export class SimTransport implements Transport {
  readonly #network: SimNetwork;
  readonly #nodeId: string;
  readonly #incarnation: number;
  readonly #pending = new Set<Pending>();
  handler: RequestHandler | undefined;
  #closed = false;
  #abandoned = false;

  constructor(network: SimNetwork, nodeId: string, incarnation: number) {
    this.#network = network;
    this.#nodeId = nodeId;
    this.#incarnation = incarnation;
  }

  /** Every simulated node runs this code: connections speak its newest version. */
  versionWith(): number {
    return PROTOCOL_VERSION_MAX;
  }

  request(to: PeerAddress, body: RequestBody, timeoutMs: number): Promise<ResponseBody> {
    const peer = formatPeerAddress(to);
    // Code of a killed incarnation that still runs in the simulator sends nothing and hears nothing.
    if (this.#abandoned) return new Promise<ResponseBody>(() => undefined);
    if (this.#closed) return Promise.reject(new PeerError('CLOSED', peer, 'transport closed'));
    return new Promise<ResponseBody>((resolve, reject) => {
      let done = false;
      const pending: Pending = {
        peer,
        reject: (err) => {
          if (done) return;
          done = true;
          this.#pending.delete(pending);
          pending.timer.cancel();
          reject(err);
        },
        timer: this.#network.clock.setTimer(timeoutMs, () => pending.reject(new PeerError('TIMEOUT', peer, `no response in ${timeoutMs} ms`))),
      };
      this.#pending.add(pending);
      const outcome = this.#network.send(this.#nodeId, this.#incarnation, to, copyBody(body), (reply) => {
        // A duplicate or late reply after the first one (or after the timeout) is ignored.
        if (done) return;
        done = true;
        this.#pending.delete(pending);
        pending.timer.cancel();
        resolve(reply);
      });
      if (outcome === 'unknown') pending.reject(new PeerError('UNREACHABLE', peer, 'no such node'));
    });
  }

  serve(handler: RequestHandler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    this.fail('CLOSED');
    return Promise.resolve();
  }

  /**
   * The process died: its requests in flight never settle and their timeouts never fire, because a
   * killed process runs no more code. (Rejecting them would run the dead incarnation's
   * continuations against its closed store.)
   */
  abandon(): void {
    this.#abandoned = true;
    this.#closed = true;
    for (const pending of this.#pending) pending.timer.cancel();
    this.#pending.clear();
  }

  /** Fail every request in flight (the transport closed). */
  fail(code: 'CLOSED'): void {
    this.#closed = true;
    for (const pending of [...this.#pending]) pending.reject(new PeerError(code, pending.peer, 'connection closed'));
  }
}

/** Every Buffer copied, those of batch items too: no two nodes ever share memory. */
function copyBody<T extends RequestBody | ResponseBody>(body: T): T {
  return copyValue(body) as T;
}

/** Buffers copied, arrays and plain objects copied through (batch items), anything else shared. */
function copyValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(copyValue);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) copy[name] = copyValue(field);
  return copy;
}
