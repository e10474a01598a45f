/**
 * The rules of the handshake that opens every peer connection, as pure functions.
 *
 *   dialer   ── Hello { node id, version range [min, max], cluster, advertised address } ──▶ acceptor
 *   acceptor ── HelloAck { highest common version, node id } ──▶ dialer      (then requests flow)
 *        or  ── ErrorReply { VERSION | CLUSTER } ──▶ dialer, and the acceptor closes
 *
 * Every later envelope on the connection carries the agreed version. The acceptor never sends
 * requests on a connection it accepted: a node sends its requests on the one connection it
 * dialed to that peer, so each connection has one direction of requests.
 */
import type { ErrorReply, Hello, HelloAck } from './bodies';

/** The version this code writes by default (see the history in proto/peer.proto). */
export const PROTOCOL_VERSION = 3;
/** The oldest version this code can still speak. */
export const PROTOCOL_VERSION_MIN = 2;
/** The newest version this code speaks. */
export const PROTOCOL_VERSION_MAX = 3;

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const SUPPORTED_VERSIONS: VersionRange = { min: PROTOCOL_VERSION_MIN, max: PROTOCOL_VERSION_MAX };

/** Who this node is, as it presents itself in Hello and checks others. */
export interface LocalIdentity {
  readonly nodeId: string;
  readonly clusterName: string;
  /** Advertised address: what other nodes should dial to reach this one. */
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
  readonly versions: VersionRange;
}

export function formatRange(range: VersionRange): string {
  return `[${range.min}, ${range.max}]`;
}

/** The highest version both ranges contain, or undefined if they do not overlap. */
export function negotiateVersion(local: VersionRange, remote: VersionRange): number | undefined {
  const highest = Math.min(local.max, remote.max);
  return highest >= Math.max(local.min, remote.min) ? highest : undefined;
}

export function helloFor(local: LocalIdentity): Hello {
  return {
    kind: 'hello',
    nodeId: local.nodeId,
    versionMin: local.versions.min,
    versionMax: local.versions.max,
    clusterName: local.clusterName,
    host: local.host,
    peerPort: local.peerPort,
    clientPort: local.clientPort,
  };
}

export type HelloVerdict = { readonly accepted: true; readonly ack: HelloAck } | { readonly accepted: false; readonly refusal: ErrorReply };

/** The acceptor's answer to a Hello. */
export function answerHello(local: LocalIdentity, hello: Hello): HelloVerdict {
  const remote = { min: hello.versionMin, max: hello.versionMax };
  const version = negotiateVersion(local.versions, remote);
  if (version === undefined) {
    const message = `no common protocol version: node ${local.nodeId} speaks ${formatRange(local.versions)}, node ${hello.nodeId} speaks ${formatRange(remote)}`;
    return { accepted: false, refusal: { kind: 'errorReply', code: 'VERSION', message } };
  }
  if (hello.clusterName !== local.clusterName) {
    const message = `node ${hello.nodeId} belongs to cluster '${hello.clusterName}', node ${local.nodeId} to '${local.clusterName}'`;
    return { accepted: false, refusal: { kind: 'errorReply', code: 'CLUSTER', message } };
  }
  return { accepted: true, ack: { kind: 'helloAck', version, nodeId: local.nodeId } };
}

/** Why the dialer cannot use this HelloAck, or undefined if it can. */
export function checkHelloAck(local: LocalIdentity, ack: HelloAck): string | undefined {
  if (ack.version < local.versions.min || ack.version > local.versions.max) {
    return `HelloAck chose version ${ack.version}, outside our range ${formatRange(local.versions)}`;
  }
  return undefined;
}
