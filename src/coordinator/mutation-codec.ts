import { dynkv } from '../generated/proto';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../lib/int64';
import type { VersionVector } from '../versioning/dvvset';
import { Mutation, MutationResult } from './mutation';

/** Bytes from a peer that are not a valid mutation: refused, never applied. */
export class InvalidMutationError extends Error {
  override name = 'InvalidMutationError';
}

const pb = dynkv.mutation;
const CONDITIONS = { NX: pb.Condition.CONDITION_NX, XX: pb.Condition.CONDITION_XX, GT: pb.Condition.CONDITION_GT, LT: pb.Condition.CONDITION_LT } as const;

export function encodeMutation(mutation: Mutation): Buffer {
  return toBuffer(pb.Mutation.encode(toMessage(mutation)).finish());
}

function toMessage(m: Mutation): dynkv.mutation.IMutation {
  switch (m.kind) {
    case 'set':
      return {
        set: {
          value: m.value,
          expiresAtMs: m.expiresAtMs === 'keep' ? 0 : m.expiresAtMs,
          keepTtl: m.expiresAtMs === 'keep',
          condition: m.condition ? CONDITIONS[m.condition] : pb.Condition.CONDITION_NONE,
          returnPrevious: m.returnPrevious,
        },
      };
    case 'delete':
      return { delete: {} };
    case 'getdel':
      return { getDelete: {} };
    case 'incrby':
      return { incrementBy: { delta: m.delta.toString() } };
    case 'append':
      return { append: { suffix: m.suffix } };
    case 'expire':
      return { expire: { expiresAtMs: m.expiresAtMs, condition: m.condition ? CONDITIONS[m.condition] : pb.Condition.CONDITION_NONE } };
    case 'persist':
      return { persist: {} };
    case 'vset':
      return { versionedSet: { value: m.value, context: contextMessage(m.context), expiresAtMs: m.expiresAtMs } };
    case 'vdel':
      return { versionedDelete: { context: contextMessage(m.context) } };
    case 'sadd':
      return { setAdd: { members: [...m.members] } };
    case 'srem':
      return { setRemove: { members: [...m.members] } };
  }
}

export function decodeMutation(bytes: Buffer): Mutation {
  let message: dynkv.mutation.Mutation;
  try {
    message = pb.Mutation.decode(bytes);
  } catch {
    throw new InvalidMutationError('not a mutation message');
  }
  switch (message.op) {
    case 'set': {
      const set = message.set!;
      const condition = conditionOf(set.condition);
      if (condition === 'GT' || condition === 'LT') throw new InvalidMutationError('SET takes NX or XX only');
      return {
        kind: 'set',
        value: toBuffer(set.value),
        expiresAtMs: set.keepTtl ? 'keep' : safe(set.expiresAtMs, 'expires_at_ms'),
        condition,
        returnPrevious: set.returnPrevious === true,
      };
    }
    case 'delete':
      return { kind: 'delete' };
    case 'getDelete':
      return { kind: 'getdel' };
    case 'incrementBy': {
      const delta = parseInt64(message.incrementBy!.delta ?? '');
      if (delta === undefined) throw new InvalidMutationError('delta is not a 64-bit integer');
      return { kind: 'incrby', delta };
    }
    case 'append':
      return { kind: 'append', suffix: toBuffer(message.append!.suffix) };
    case 'expire':
      return { kind: 'expire', expiresAtMs: safe(message.expire!.expiresAtMs, 'expires_at_ms', true), condition: conditionOf(message.expire!.condition) };
    case 'persist':
      return { kind: 'persist' };
    case 'versionedSet': {
      const vset = message.versionedSet!;
      return { kind: 'vset', value: toBuffer(vset.value), context: contextOf(vset.context), expiresAtMs: safe(vset.expiresAtMs, 'expires_at_ms') };
    }
    case 'versionedDelete':
      return { kind: 'vdel', context: contextOf(message.versionedDelete!.context) };
    case 'setAdd':
      return { kind: 'sadd', members: membersOf(message.setAdd!.members) };
    case 'setRemove':
      return { kind: 'srem', members: membersOf(message.setRemove!.members) };
    default:
      throw new InvalidMutationError('no operation');
  }
}

export function encodeResult(result: MutationResult): Buffer {
  const message: dynkv.mutation.IMutationResult =
    result.kind === 'ok' ? { ok: true } : result.kind === 'null' ? { none: true } : result.kind === 'bulk' ? { bulk: result.value } : { integer: result.value.toString() };
  return toBuffer(pb.MutationResult.encode(message).finish());
}

export function decodeResult(bytes: Buffer): MutationResult {
  let message: dynkv.mutation.MutationResult;
  try {
    message = pb.MutationResult.decode(bytes);
  } catch {
    throw new InvalidMutationError('not a mutation result');
  }
  switch (message.result) {
    case 'ok':
      return { kind: 'ok' };
    case 'none':
      return { kind: 'null' };
    case 'bulk':
      return { kind: 'bulk', value: toBuffer(message.bulk!) };
    case 'integer': {
      const value = parseInt64(message.integer!);
      if (value === undefined || value < INT64_MIN || value > INT64_MAX) throw new InvalidMutationError('integer result out of range');
      return { kind: 'integer', value };
    }
    default:
      throw new InvalidMutationError('no result');
  }
}

function conditionOf(value: number | null | undefined): 'NX' | 'XX' | 'GT' | 'LT' | undefined {
  switch (value ?? 0) {
    case pb.Condition.CONDITION_NONE:
      return undefined;
    case pb.Condition.CONDITION_NX:
      return 'NX';
    case pb.Condition.CONDITION_XX:
      return 'XX';
    case pb.Condition.CONDITION_GT:
      return 'GT';
    case pb.Condition.CONDITION_LT:
      return 'LT';
    default:
      throw new InvalidMutationError(`unknown condition ${value}`);
  }
}

/** SADD and SREM name at least one member, as their arity demands. */
function membersOf(members: Uint8Array[] | null | undefined): Buffer[] {
  if (!members || members.length === 0) throw new InvalidMutationError('no members');
  return members.map((member) => toBuffer(member));
}

function contextMessage(context: VersionVector): dynkv.record.IContext {
  return { entries: [...context].map(([actor, counter]) => ({ actor, counter })) };
}

function contextOf(message: dynkv.record.IContext | null | undefined): VersionVector {
  const context = new Map<string, number>();
  for (const entry of message?.entries ?? []) {
    const counter = entry.counter ?? 0;
    if (!entry.actor || !Number.isSafeInteger(counter) || counter < 1 || context.has(entry.actor)) throw new InvalidMutationError('invalid context');
    context.set(entry.actor, counter);
  }
  return context;
}

function safe(value: number | null | undefined, field: string, signed = false): number {
  const number = value ?? 0;
  if (!Number.isSafeInteger(number) || (!signed && number < 0)) throw new InvalidMutationError(`${field} is out of range`);
  return number;
}

function toBuffer(bytes: Uint8Array | null | undefined): Buffer {
  if (!bytes) return Buffer.alloc(0);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
