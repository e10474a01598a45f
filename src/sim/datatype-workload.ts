import type { Coordinator } from '../coordinator/coordinator';
import type { Mutation } from '../coordinator/mutation';
import type { Random } from '../lib/random';
import type { SimNode } from './sim-node';

/** An INCRBY a client sent: `acked`, or `unknown` (failed or cut off: it may still have been applied). */
export interface IncrementRecord {
  readonly key: string;
  readonly delta: bigint;
  readonly outcome: 'acked' | 'unknown';
}

export type CallOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

/** What a data type client borrows from the Workload. */
export interface DataTypeClientDeps {
  readonly random: Random;
  running(): boolean;
  think(): Promise<void>;
  pickNode(): SimNode | undefined;
  call<T>(node: SimNode, fn: (coordinator: Coordinator) => Promise<T>): Promise<CallOutcome<T>>;
  log(line: string): void;
}

export const COUNTER_KEYS = ['cnt0', 'cnt1'];
export const SET_KEYS = ['cart0', 'cart1'];
const MEMBERS = ['apple', 'pear', 'plum', 'fig'];

/**
 * A client of counters and sets, through random live nodes as the RESP commands go: INCRBY/DECRBY
 * on counter keys, SADD/SREM (now and then DEL) on set keys. Only counter and set commands touch
 * these keys, so the checkers (datatype-checkers.ts) know what each holds.
 */
export async function runDataTypeClient(name: string, deps: DataTypeClientDeps, increments: IncrementRecord[]): Promise<void> {
  const { random } = deps;
  while (deps.running()) {
    await deps.think();
    if (!deps.running()) break;
    const node = deps.pickNode();
    if (!node) continue;
    if (random.int(2) === 0) {
      const key = COUNTER_KEYS[random.int(COUNTER_KEYS.length)];
      // Mostly increments; a decrement now and then, so the N half of the counter is exercised.
      const delta = BigInt(random.int(4) === 0 ? -1 - random.int(3) : 1 + random.int(5));
      const result = await deps.call(node, (c) => c.mutate(Buffer.from(key), { kind: 'incrby', delta }));
      increments.push({ key, delta, outcome: result.ok ? 'acked' : 'unknown' });
      deps.log(`${name} ${node.nodeId} INCRBY ${key} ${delta} -> ${result.ok ? formatResult(result.value.result) : `failed: ${result.why}`}`);
      continue;
    }
    const key = SET_KEYS[random.int(SET_KEYS.length)];
    const member = Buffer.from(MEMBERS[random.int(MEMBERS.length)]);
    const roll = random.int(20);
    const mutation: Mutation = roll === 0 ? { kind: 'delete' } : roll < 11 ? { kind: 'sadd', members: [member] } : { kind: 'srem', members: [member] };
    const label = mutation.kind === 'delete' ? 'DEL' : `${mutation.kind.toUpperCase()} ${member.toString()}`;
    const result = await deps.call(node, (c) => c.mutate(Buffer.from(key), mutation));
    deps.log(`${name} ${node.nodeId} ${label} ${key} -> ${result.ok ? formatResult(result.value.result) : `failed: ${result.why}`}`);
  }
}

function formatResult(result: { kind: string; value?: unknown }): string {
  return result.kind === 'integer' ? String(result.value) : result.kind;
}
