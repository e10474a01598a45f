/**
 * A hand-written encoder for the `Record` message of proto/record.proto, byte for byte what
 * protobufjs's generated encoder writes for the message record-codec.ts builds (every field
 * present, `flush_generation` only when set, `kind` always). It runs on every write, where the
 * generated encoder's writer objects, per-field closures and 64-bit helpers cost about as much as
 * the rest of staging a write together, and most of a write's garbage.
 *
 * Two passes: sizes, then bytes into one buffer of exactly that size. Actors that are not ASCII
 * are left to protobufjs (undefined is returned): its UTF-8 writer and Node's disagree on lone
 * surrogates, and byte-identical output matters because Merkle digests hash these bytes. So are
 * numbers that are not non-negative safe integers (never in a valid record).
 * test/property/versioning/record-encoder.test.ts checks the identity against protobufjs.
 */
import { isAscii, varintBytes, writeVarint } from '../lib/proto-wire';
import type { DvvSet, ValueKind, Version } from './dvvset';

const KIND_WIRE: Readonly<Record<ValueKind, number>> = { string: 0, counter: 1, set: 2 };

/** The encoded record, or undefined when protobufjs must encode it (a non-ASCII actor). */
export function encodeRecordFast(set: DvvSet): Buffer | undefined {
  const entries = set.entries;
  let total = 0;
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e];
    if (!isAscii(entry.actor) || !plainNumbers(entry.counter, entry.updatedMs, entry.versions)) return undefined;
    const length = entryBytes(entry.actor, entry.counter, entry.versions, entry.updatedMs);
    total += 1 + varintBytes(length) + length;
  }
  // Its own memory, not a slice of Node's shared pool: records are kept by caches, and a pool
  // slice would pin the whole slab.
  const out = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e];
    out[at++] = 0x0a; // Record.entries, length-delimited
    at = writeVarint(out, at, entryBytes(entry.actor, entry.counter, entry.versions, entry.updatedMs));
    out[at++] = 0x0a; // ClockEntry.actor
    at = writeVarint(out, at, entry.actor.length);
    for (let i = 0; i < entry.actor.length; i++) out[at++] = entry.actor.charCodeAt(i);
    out[at++] = 0x10; // ClockEntry.counter
    at = writeVarint(out, at, entry.counter);
    const versions = entry.versions;
    for (let v = 0; v < versions.length; v++) {
      const version = versions[v];
      out[at++] = 0x1a; // ClockEntry.versions, length-delimited
      at = writeVarint(out, at, versionBytes(version));
      at = writeVersion(out, at, version);
    }
    out[at++] = 0x20; // ClockEntry.updated_ms
    at = writeVarint(out, at, entry.updatedMs);
  }
  return out;
}

function entryBytes(actor: string, counter: number, versions: readonly Version[], updatedMs: number): number {
  let bytes = 1 + varintBytes(actor.length) + actor.length + 1 + varintBytes(counter);
  for (let v = 0; v < versions.length; v++) {
    const length = versionBytes(versions[v]);
    bytes += 1 + varintBytes(length) + length;
  }
  return bytes + 1 + varintBytes(updatedMs);
}

function versionBytes(version: Version): number {
  let bytes = 1 + varintBytes(version.data.length) + version.data.length;
  bytes += 2; // tombstone
  bytes += 1 + varintBytes(version.timestampMs);
  bytes += 1 + varintBytes(version.expiresAtMs);
  bytes += 1 + varintBytes(KIND_WIRE[version.kind ?? 'string']);
  if (version.flushGeneration != null) bytes += 1 + varintBytes(version.flushGeneration >>> 0);
  return bytes;
}

function writeVersion(out: Buffer, start: number, version: Version): number {
  let at = start;
  const data = version.data;
  out[at++] = 0x0a; // data
  at = writeVarint(out, at, data.length);
  if (data.length <= 64) for (let i = 0; i < data.length; i++) out[at++] = data[i];
  else at += data.copy(out, at);
  out[at++] = 0x10; // tombstone
  out[at++] = version.tombstone ? 1 : 0;
  out[at++] = 0x18; // timestamp_ms
  at = writeVarint(out, at, version.timestampMs);
  out[at++] = 0x20; // expires_at_ms
  at = writeVarint(out, at, version.expiresAtMs);
  out[at++] = 0x28; // kind
  at = writeVarint(out, at, KIND_WIRE[version.kind ?? 'string']);
  if (version.flushGeneration != null) {
    out[at++] = 0x30; // flush_generation
    at = writeVarint(out, at, version.flushGeneration >>> 0);
  }
  return at;
}

function plainNumbers(counter: number, updatedMs: number, versions: readonly Version[]): boolean {
  if (!isUint(counter) || !isUint(updatedMs)) return false;
  for (let v = 0; v < versions.length; v++) {
    const version = versions[v];
    if (!isUint(version.timestampMs) || !isUint(version.expiresAtMs)) return false;
  }
  return true;
}

function isUint(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
