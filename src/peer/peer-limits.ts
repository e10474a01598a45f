/**
 * Every bound and timing knob of the TCP transport, named, with its reason. A peer can be slow,
 * dead or hostile; these keep what it costs us bounded.
 */
import type { BackoffPolicy } from './backoff';

export interface PeerLimits {
  /**
   * Largest Envelope (frame body, length prefix excluded) received or sent, in bytes. A larger
   * incoming frame is garbage (the connection is dropped); a larger outgoing request is refused.
   * The node passes maxValueBytes + 1 MiB: a record holding a value at the limit, with its key,
   * clock and envelope, fits. Nodes of one cluster must agree on it (same --max-value-bytes).
   */
  readonly frameBytesMax: number;
  /**
   * Requests in flight (sent, or waiting for the handshake) on one outbound connection; more are
   * refused with PeerError REFUSED rather than queued: a peer that far behind is overloaded.
   */
  readonly pendingRequestsMax: number;
  /**
   * Requests of one inbound connection being handled at once; more are answered ErrorReply
   * UNAVAILABLE without reaching the handler, so a flooding peer cannot pile up work here.
   */
  readonly servingRequestsMax: number;
  /** Accepted peer connections open at once; more are closed as soon as accepted. */
  readonly inboundConnectionsMax: number;
  /**
   * Bytes queued on a socket the peer is not reading. Outbound: new requests are refused
   * (REFUSED). Inbound: the connection is dropped (its responses would pile up without bound).
   */
  readonly outputBytesMax: number;
  /** From dialing (or accepting) to the end of the handshake; then the connection is dropped. */
  readonly handshakeTimeoutMs: number;
  /** After a connection was ended cleanly, how long the peer has to close its side. */
  readonly closeGraceMs: number;
  /** Redial pacing after failed connection attempts (see backoff.ts). */
  readonly backoff: BackoffPolicy;
}

const MiB = 1024 * 1024;

export const DEFAULT_PEER_LIMITS: Omit<PeerLimits, 'frameBytesMax' | 'outputBytesMax'> = {
  // Far above what a coordinator has in flight to one node (N replica requests per client
  // request), far below what would exhaust memory at typical record sizes.
  pendingRequestsMax: 4096,
  servingRequestsMax: 4096,
  // One connection per peer node (plus one during a reconnect): room for large clusters.
  inboundConnectionsMax: 1024,
  // A connect on a healthy LAN takes under a millisecond; 3 s allows for a busy peer while a
  // black-holed address (no RST) still fails long before the OS gives up (minutes).
  handshakeTimeoutMs: 3000,
  closeGraceMs: 1000,
  // 100 ms, 200 ms, ... 5 s: a restarted peer is found again quickly, a dead one is dialed at
  // most every 2.5-5 s.
  backoff: { baseMs: 100, maxMs: 5000 },
};

/** The limits for a given frameBytesMax, with optional overrides (tests, tuning). */
export function peerLimitsFor(frameBytesMax: number, overrides: Partial<PeerLimits> = {}): PeerLimits {
  return {
    ...DEFAULT_PEER_LIMITS,
    frameBytesMax,
    // Several maximum frames may queue on a busy but healthy socket.
    outputBytesMax: Math.max(64 * MiB, 4 * frameBytesMax),
    ...overrides,
  };
}
