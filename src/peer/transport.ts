/**
 * The seam between the cluster layer and the network. The cluster layer (membership,
 * coordinator, handoff, anti-entropy) talks to peers only through `Transport`; the node wires
 * in TcpTransport, the simulator (test/sim) an in-memory network with faults. Interfaces and
 * the error type only: no I/O here.
 */
import type { RequestBody, ResponseBody } from './bodies';

export type { RequestBody, ResponseBody } from './bodies';

/** Where a peer listens for peer connections. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, the form logs and errors use. */
export function formatPeerAddress(address: PeerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Answers the requests of peers; `from` is the node id the peer stated in its handshake. A
 * response known at once is returned as is (most replica reads), one that waits (a commit) as a
 * promise.
 */
export type RequestHandler = (from: string, body: RequestBody) => ResponseBody | Promise<ResponseBody>;

export interface Transport {
  /**
   * Send a request to the peer at `to`; resolves its response (an ErrorReply if the peer failed
   * it) or rejects with PeerError (timeout, unreachable, refused, protocol, closed).
   */
  request(to: PeerAddress, body: RequestBody, timeoutMs: number): Promise<ResponseBody>;
  /** The handler for requests from peers (one per transport); its errors become ErrorReply INTERNAL. */
  serve(handler: RequestHandler): void;
  /** Stop: no new requests, pending ones fail with CLOSED, connections end. */
  close(): Promise<void>;
  /**
   * Membership has fresh evidence that the peer at `to` is alive again (a new incarnation): dial
   * it at the next request instead of waiting out the backoff of its earlier failures.
   */
  peerAlive?(to: PeerAddress): void;
  /**
   * The protocol version of the ready connection to `to`, undefined while there is none: a body
   * added in a later version (proto/peer.proto) is sent only when this is at least that version.
   */
  versionWith?(to: PeerAddress): number | undefined;
}

/**
 * Why a request got no response. What the caller may assume about the peer:
 * - UNREACHABLE: no connection (connect failed, or waiting out the backoff after failures).
 *   The request was not sent.
 * - REFUSED: not sent because a limit or the peer said no: the peer refused the handshake
 *   (another protocol version or cluster), too many requests in flight, or the request is
 *   larger than frameBytesMax.
 * - TIMEOUT: no response within timeoutMs. The peer may or may not have applied it.
 * - CLOSED: the connection (or this transport) closed with the request in flight. The peer
 *   may or may not have applied it.
 * - PROTOCOL: the peer broke the protocol (garbage, wrong message); the connection was dropped.
 *   The peer may or may not have applied it.
 */
export type PeerErrorCode = 'TIMEOUT' | 'UNREACHABLE' | 'REFUSED' | 'PROTOCOL' | 'CLOSED';

export class PeerError extends Error {
  override name = 'PeerError';
  readonly code: PeerErrorCode;
  /** The peer's address, `host:port`. */
  readonly peer: string;

  constructor(code: PeerErrorCode, peer: string, detail: string) {
    super(`${code} ${peer}: ${detail}`);
    this.code = code;
    this.peer = peer;
  }
}
