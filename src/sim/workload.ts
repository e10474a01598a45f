import { Coordinator } from '../coordinator/coordinator';
import { Mutation } from '../coordinator/mutation';
import { readKeyValue } from '../datatypes/value';
import { stringView } from '../datatypes/key-type';
import { ReplyError } from '../lib/errors';
import { Random } from '../lib/random';
import { EMPTY_VERSION_VECTOR, VersionVector, join, siblings } from '../versioning/dvvset';
import { IncrementRecord, runDataTypeClient } from './datatype-workload';
import { SimClock } from './sim-clock';
import { SimNode } from './sim-node';
import { Trace } from './trace';

/** A write the cluster acknowledged. `value` is unique per write (undefined for a delete). */
export interface AckedWrite {
  readonly key: string;
  readonly kind: 'set' | 'vset' | 'del';
  readonly value: string | undefined;
  readonly client: string;
  readonly node: string;
  readonly ackedAtMs: number;
  /**
   * The context the write returned. For a DEL that deleted (replied 1), exactly what its tombstone
   * superseded (the deletes-stay-deleted check); a DEL that found nothing visible wrote nothing,
   * so it gets the empty vector (its returned context covers siblings it did not delete).
   */
  readonly context: VersionVector;
  /** Nodes that crashed while the call was in flight: they may have held the write (ack durability check). */
  readonly crashedDuringIds: readonly string[];
}

/** Called the moment a write is acknowledged, before anything else runs (the ack durability check). */
export type AckObserver = (write: AckedWrite) => void;

/** A key only one sequential writer touches, always with the context it was given. */
export interface CausalKey {
  readonly key: string;
  /** A write to it failed: it may have been applied anyway, so a sibling would be legitimate. */
  tainted: boolean;
  /** A false sibling was already reported for it (one report per key). */
  reported?: boolean;
}

export interface WorkloadOptions {
  readonly sharedClients: number;
  readonly causalClients: number;
  readonly sharedKeys: number;
  readonly thinkMinMs: number;
  readonly thinkMaxMs: number;
  /** Clients of counters and sets (datatype-workload.ts). */
  readonly dataTypeClients: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { sharedClients: 4, causalClients: 2, sharedKeys: 6, thinkMinMs: 20, thinkMaxMs: 400, dataTypeClients: 3 };

/** What a client sees when the node it talks to dies mid-call. */
const CONNECTION_LOST = Symbol('connection lost');

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

/**
 * Clients that talk to random live nodes through `coordinator.mutate/read`, as the RESP commands
 * do, and record what was acknowledged, what failed, and anything that should never happen.
 */
export class Workload {
  readonly acked: AckedWrite[] = [];
  readonly causalKeys: CausalKey[] = [];
  readonly violations: string[] = [];
  /** Every INCRBY the data type clients sent, acknowledged or not. */
  readonly increments: IncrementRecord[] = [];
  failures = 0;
  indeterminate = 0;
  reads = 0;
  readonly #o: WorkloadOptions;
  readonly #clock: SimClock;
  readonly #random: Random;
  readonly #nodes: readonly SimNode[];
  readonly #trace: Trace;
  #running = false;
  #clients: Promise<void>[] = [];

  readonly #onAcked: AckObserver;

  constructor(options: WorkloadOptions, clock: SimClock, random: Random, nodes: readonly SimNode[], trace: Trace, onAcked: AckObserver = () => undefined) {
    this.#onAcked = onAcked;
    this.#o = options;
    this.#clock = clock;
    this.#random = random;
    this.#nodes = nodes;
    this.#trace = trace;
  }

  start(): void {
    this.#running = true;
    for (let i = 0; i < this.#o.sharedClients; i++) this.#clients.push(this.#sharedClient(`c${i}`));
    for (let i = 0; i < this.#o.causalClients; i++) this.#clients.push(this.#causalClient(`s${i}`));
    const deps = {
      random: this.#random,
      running: () => this.#running,
      think: () => this.#clock.sleep(this.#think()),
      pickNode: () => this.#pickNode(),
      call: <T>(node: SimNode, fn: (c: Coordinator) => Promise<T>) => this.#call(node, fn),
      log: (line: string) => this.#log(line),
    };
    for (let i = 0; i < this.#o.dataTypeClients; i++) this.#clients.push(runDataTypeClient(`d${i}`, deps, this.increments));
  }

  /** Clients finish the operation in flight and stop. */
  stop(): Promise<void> {
    this.#running = false;
    return Promise.all(this.#clients).then(() => undefined);
  }

  #log(line: string): void {
    this.#trace.add(this.#clock.monotonicMs(), line);
  }

  async #sharedClient(name: string): Promise<void> {
    const contexts = new Map<string, VersionVector>();
    let seq = 0;
    while (this.#running) {
      await this.#clock.sleep(this.#think());
      if (!this.#running) break;
      const node = this.#pickNode();
      if (!node) continue;
      const key = `k${this.#random.int(this.#o.sharedKeys)}`;
      const roll = this.#random.int(100);
      const value = `${name}.${++seq}`;
      if (roll < 30) {
        await this.#write(name, node, key, 'set', value, { kind: 'set', value: Buffer.from(value), expiresAtMs: 0, returnPrevious: false }, contexts);
      } else if (roll < 40) {
        await this.#write(name, node, key, 'del', undefined, { kind: 'delete' }, contexts);
      } else if (roll < 55) {
        const context = contexts.get(key) ?? EMPTY_VERSION_VECTOR;
        await this.#write(name, node, key, 'vset', value, { kind: 'vset', value: Buffer.from(value), context, expiresAtMs: 0 }, contexts);
      } else if (roll < 60) {
        // A blind VSET: concurrent with everything, so it must leave a sibling.
        await this.#write(name, node, key, 'vset', value, { kind: 'vset', value: Buffer.from(value), context: EMPTY_VERSION_VECTOR, expiresAtMs: 0 }, contexts);
      } else {
        const read = await this.#call(node, async (c) => c.read(Buffer.from(key)));
        this.reads++;
        if (read.ok) {
          contexts.set(key, join(read.value));
          const visible = stringView(readKeyValue(read.value, this.#clock.nowMs()));
          this.#log(`${name} ${node.nodeId} GET ${key} -> ${visible ? visible.toString() : 'nil'} (${siblings(read.value).length} siblings)`);
        } else this.#log(`${name} ${node.nodeId} GET ${key} failed: ${read.why}`);
      }
    }
  }

  async #causalClient(name: string): Promise<void> {
    let generation = 0;
    let current: CausalKey = { key: `${name}/${generation}`, tainted: false };
    this.causalKeys.push(current);
    let context: VersionVector = EMPTY_VERSION_VECTOR;
    let seq = 0;
    while (this.#running) {
      await this.#clock.sleep(this.#think());
      if (!this.#running) break;
      const node = this.#pickNode();
      if (!node) continue;
      if (current.tainted) {
        // Start over on a fresh key: the old one may legitimately hold siblings now.
        current = { key: `${name}/${++generation}`, tainted: false };
        this.causalKeys.push(current);
        context = EMPTY_VERSION_VECTOR;
      }
      const key = current.key;
      if (this.#random.int(4) === 0) {
        const read = await this.#call(node, async (c) => c.read(Buffer.from(key)));
        this.reads++;
        if (!read.ok) continue;
        const count = siblings(read.value).length;
        this.#log(`${name} ${node.nodeId} VGET ${key} -> ${siblings(read.value).map((s) => `${s.version.data.toString()}@${s.dot.actor}:${s.dot.counter}`).join(' ')}`);
        if (count > 1 && !current.tainted && !current.reported) {
          current.reported = true;
          this.violations.push(`causality: sequential writer ${name} saw ${count} siblings of ${key} via ${node.nodeId}`);
        }
        continue;
      }
      const value = `${name}.${++seq}`;
      const mutation: Mutation = { kind: 'vset', value: Buffer.from(value), context, expiresAtMs: 0 };
      const generations = this.#generations();
      const result = await this.#call(node, (c) => c.mutate(Buffer.from(key), mutation));
      if (result.ok) {
        context = result.value.context;
        this.#ack({ key, kind: 'vset', value, client: name, node: node.nodeId, ackedAtMs: this.#clock.monotonicMs(), context, crashedDuringIds: this.#crashedSince(generations) });
        this.#log(`${name} ${node.nodeId} VSET ${key}=${value} ctx ${formatVector(mutation.context)} -> ok, ctx ${formatVector(context)}`);
      } else {
        current.tainted = true;
        this.#log(`${name} ${node.nodeId} VSET ${key}=${value} failed: ${result.why}`);
      }
    }
  }

  async #write(name: string, node: SimNode, key: string, kind: AckedWrite['kind'], value: string | undefined, mutation: Mutation, contexts: Map<string, VersionVector>): Promise<void> {
    const generations = this.#generations();
    const result = await this.#call(node, (c) => c.mutate(Buffer.from(key), mutation));
    const label = `${name} ${node.nodeId} ${kind.toUpperCase()} ${key}${value === undefined ? '' : `=${value}`}`;
    if (result.ok) {
      contexts.set(key, result.value.context);
      const { result: reply, context } = result.value;
      const wrote = kind !== 'del' || (reply.kind === 'integer' && reply.value === 1n);
      this.#ack({ key, kind, value, client: name, node: node.nodeId, ackedAtMs: this.#clock.monotonicMs(), context: wrote ? context : EMPTY_VERSION_VECTOR, crashedDuringIds: this.#crashedSince(generations) });
      this.#log(`${label} -> ok, ctx ${formatVector(result.value.context)}`);
    } else this.#log(`${label} failed: ${result.why}`);
  }

  /** Run one client call; a call whose node crashed meanwhile is indeterminate, never acknowledged. */
  async #call<T>(node: SimNode, fn: (coordinator: Coordinator) => Promise<T>): Promise<Outcome<T>> {
    const generation = node.generation;
    try {
      const answer = await Promise.race([fn(node.parts.coordinator), node.whenCrashed().then(() => CONNECTION_LOST)]);
      if (answer === CONNECTION_LOST || node.generation !== generation) {
        this.indeterminate++;
        return { ok: false, why: 'node crashed before answering' };
      }
      return { ok: true, value: answer as T };
    } catch (err) {
      if (node.generation !== generation) {
        this.indeterminate++;
        return { ok: false, why: 'node crashed before answering' };
      }
      this.failures++;
      if (!(err instanceof ReplyError)) this.violations.push(`unexpected ${(err as Error).name} from ${node.nodeId}: ${(err as Error).message}`);
      return { ok: false, why: (err as Error).message };
    }
  }

  #ack(write: AckedWrite): void {
    this.acked.push(write);
    this.#onAcked(write);
  }

  #generations(): number[] {
    return this.#nodes.map((n) => n.generation);
  }

  #crashedSince(generations: readonly number[]): string[] {
    return this.#nodes.filter((n, i) => n.generation !== generations[i]).map((n) => n.nodeId);
  }

  #pickNode(): SimNode | undefined {
    const live = this.#nodes.filter((node) => node.state === 'up');
    return live.length === 0 ? undefined : live[this.#random.int(live.length)];
  }

  #think(): number {
    return this.#o.thinkMinMs + this.#random.int(this.#o.thinkMaxMs - this.#o.thinkMinMs + 1);
  }
}

/** `{n1:3,n2:1}`: a version vector for the trace. */
export function formatVector(vector: VersionVector): string {
  return `{${[...vector].sort(([a], [b]) => (a < b ? -1 : 1)).map(([actor, counter]) => `${actor}:${counter}`).join(',')}}`;
}
