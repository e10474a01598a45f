import bunyan from 'bunyan';
import { BreakName, breaksOf } from '../lib/breaks';
import { ManualClock } from '../lib/clock';
import { Logger } from '../lib/log';
import { Random, SeededRandom } from '../lib/random';
import { DvvSet, join, siblings } from '../versioning/dvvset';
import { StorageError } from '../storage/store';
import {
  DotRegistry,
  checkAckDurability,
  checkAcknowledgedWrites,
  checkCausalKeys,
  checkConvergence,
  checkDeletesStayDeleted,
  checkSiblingCap,
  checkSingleApplication,
} from './checkers';
import { checkMerkleConvergence } from './merkle-checker';
import { MembershipChanges, changeMembership, isUnjoinedSpare, scriptedMembershipChanges } from './membership-changes';
import { SetStateRegistry, checkCounters, checkSetResurrections } from './datatype-checkers';
import { COUNTER_KEYS, SET_KEYS } from './datatype-workload';
import { SimClock, drainMicrotasks, runFor } from './sim-clock';
import { CALM_LINKS, SimNetwork } from './sim-network';
import { DEFAULT_SIM_CLUSTER, SimClusterConfig, SimNode } from './sim-node';
import { Trace } from './trace';
import { DEFAULT_WORKLOAD, Workload, WorkloadOptions, formatVector } from './workload';

export interface ScheduleOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Simulated time of workload under faults. */
  readonly workloadMs: number;
  /** Simulated time after healing before the checks (gossip reconverges, clients finish). */
  readonly quiesceMs: number;
  /** Whether faults are injected at all (scenarios and smoke tests turn them off). */
  readonly faults: boolean;
  readonly cluster: SimClusterConfig;
  readonly workload: WorkloadOptions;
  /** Trace lines to keep in full (see Trace). */
  readonly keep?: (line: string) => boolean;
  /** Look at the healed cluster after the checks (debugging a seed). */
  readonly inspect?: (cluster: SimCluster) => void;
  /**
   * Whether disks fill up. Off by default: it finds a real bug not fixed yet (a primary whose own
   * replica write fails has already sent the new version to the others, yet its replica never
   * records the dot, so its next write to the key issues the same dot again: `dot reused`).
   */
  readonly diskFull?: boolean;
  /** Deliberate bugs to switch on (src/lib/breaks.ts): the checkers must catch each. */
  readonly breaks?: readonly BreakName[];
  /**
   * Membership changes among the faults: one more node than `nodes` is created but joins only
   * when the schedule says so, and one member leaves (src/sim/membership-changes.ts). Off by
   * default, so schedules without it are unchanged.
   */
  readonly membershipChanges?: boolean;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleOptions, 'seed'> = {
  nodes: 5,
  workloadMs: 120_000,
  quiesceMs: 20_000,
  faults: true,
  cluster: DEFAULT_SIM_CLUSTER,
  workload: DEFAULT_WORKLOAD,
};

export interface ScheduleResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly traceTail: readonly string[];
  /** Fingerprint of the whole trace: equal seeds must give equal digests. */
  readonly digest: string;
  readonly summary: string;
  readonly kept: readonly string[];
}

const WARMUP_MS = 10_000;
const FAULT_GAP_MIN_MS = 2_000;
const FAULT_GAP_MAX_MS = 10_000;
const CHECK_DRIVE_MAX_MS = 60_000;
/** Clock jumps stay within this of true time: NTP keeps real clocks far closer, mostly. */
const CLOCK_SKEW_MAX_MS = 30_000;

/** A simulated cluster: nodes, network, clock, trace, all from one seed. */
export class SimCluster {
  readonly clock: SimClock;
  readonly network: SimNetwork;
  readonly nodes: SimNode[] = [];
  readonly trace: Trace;
  readonly dots = new DotRegistry();
  readonly setStates = new SetStateRegistry();
  /** Anything logged at error level by any node: the code says it should not happen. */
  readonly loggedErrors: string[] = [];
  readonly random: Random;
  /** Set when the schedule changes membership: the spare that has not joined is never started by heal. */
  membershipChanges: MembershipChanges | undefined;

  constructor(seed: number, nodeCount: number, config: SimClusterConfig, keep?: (line: string) => boolean, breakNames: readonly BreakName[] = []) {
    this.trace = new Trace(50, keep);
    const master = new SeededRandom(seed);
    // Separate streams per concern, all derived from the seed, so adding a fault kind does not
    // reshuffle the network's choices (and vice versa) more than necessary.
    const derive = () => new SeededRandom(master.int(0x1_0000_0000));
    this.random = derive();
    this.clock = new SimClock(new ManualClock());
    this.network = new SimNetwork(this.clock, derive());
    this.network.observe((_from, _to, body) => {
      this.dots.observe(body);
      this.setStates.observe(body);
    });
    const logger = this.#logger();
    const breaks = breaksOf(breakNames);
    const addresses = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}:7000`);
    for (let i = 0; i < nodeCount; i++) {
      this.nodes.push(
        new SimNode({
          nodeId: `n${i + 1}`,
          host: `n${i + 1}`,
          peerPort: 7000,
          seeds: addresses.filter((_, j) => j !== i),
          network: this.network,
          clock: this.clock,
          random: derive(),
          logger,
          config,
          onRecordRemoved: (key, removed) => this.dots.observeRemoved(key, removed),
          breaks,
        }),
      );
    }
  }

  log(line: string): void {
    this.trace.add(this.clock.monotonicMs(), line);
  }

  node(nodeId: string): SimNode {
    const node = this.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`no node ${nodeId}`);
    return node;
  }

  /** Lift every fault: links calm, partitions healed, every node running. */
  heal(): void {
    this.network.healAll();
    this.network.faults = CALM_LINKS;
    for (const node of this.nodes) {
      // A disk that filled up was cleaned; wall-clock skew stays (a node's clock is just off).
      node.store.setFull(false);
      if (node.state === 'crashed' && !isUnjoinedSpare(this.membershipChanges, node.nodeId)) node.restart();
      else if (node.state === 'paused') node.resume();
    }
    this.log('heal: all links calm, all nodes running');
  }

  /** Drive the simulation until `promise` settles (or `maxMs` of simulated time passes). */
  async drive<T>(promise: Promise<T>, maxMs = CHECK_DRIVE_MAX_MS): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    // Keep a rejection from counting as unhandled while we are still stepping.
    watched.catch(() => undefined);
    for (let waitedMs = 0; !settled && waitedMs < maxMs; waitedMs += 100) await runFor(this.clock, 100);
    if (!settled) throw new Error(`did not settle within ${maxMs} ms of simulated time`);
    return watched;
  }

  #logger(): Logger {
    const errors = this.loggedErrors;
    const sink = {
      write(record: unknown): void {
        const { msg, node, err } = record as { msg?: string; node?: string; err?: { message?: string } };
        errors.push(`${node ?? '?'} logged error: ${msg ?? ''}${err?.message ? ` (${err.message})` : ''}`);
      },
    };
    return bunyan.createLogger({ name: 'dynkv-sim', streams: [{ type: 'raw', level: 'error', stream: sink as unknown as NodeJS.WritableStream }] });
  }
}

/** One schedule: warm up, workload under random faults, heal, quiesce, check. */
export async function runSchedule(options: ScheduleOptions): Promise<ScheduleResult> {
  const spare = options.membershipChanges ? `n${options.nodes + 1}` : undefined;
  const cluster = new SimCluster(options.seed, options.nodes + (spare ? 1 : 0), options.cluster, options.keep, options.breaks);
  if (spare) cluster.membershipChanges = { spare, left: undefined };
  const { clock, network, nodes } = cluster;
  const violations: string[] = [];
  let closing = false;
  let crashLeftovers = 0;
  const unhandled = (reason: unknown) => {
    // Shutting the cluster down rejects what is in flight; only rejections during the run count.
    if (closing) return;
    // Only a crashed node's store is ever closed here. A killed process runs nothing, but the
    // crashed incarnation's promises live on in the simulator, so these are counted, not failed
    // (see the report: ClusterCoordinator.#repair reads the local store outside its promise chain).
    if (reason instanceof StorageError && reason.message === 'store is closed') {
      crashLeftovers++;
      return;
    }
    violations.push(`unhandled rejection: ${(reason as Error)?.message ?? String(reason)}`);
  };
  process.on('unhandledRejection', unhandled);
  try {
    for (const node of nodes) if (node.nodeId !== spare) node.start();
    cluster.log(`start ${nodes.length} nodes, N=${options.cluster.n} R=${options.cluster.r} W=${options.cluster.w}`);
    await runFor(clock, WARMUP_MS);

    const ackViolations: string[] = [];
    const onAcked = (write: Parameters<typeof checkAckDurability>[0]) => {
      const violation = checkAckDurability(write, nodes, cluster.dots, options.cluster.w);
      // A few reports fail the schedule as surely as hundreds, which would bury the rest of the output.
      if (violation !== undefined && ackViolations.length < 3) ackViolations.push(violation);
    };
    const workload = new Workload(options.workload, clock, cluster.random, nodes, cluster.trace, onAcked);
    workload.start();
    let faulting = options.faults;
    const faultLoop = options.faults
      ? injectFaults(cluster, () => faulting, options.diskFull ?? false)
      : cluster.membershipChanges
        ? scriptedMembershipChanges(cluster, options.workloadMs)
        : Promise.resolve();
    await runFor(clock, options.workloadMs);
    faulting = false;
    const stopped = workload.stop();
    cluster.heal();
    await runFor(clock, options.quiesceMs);
    await cluster.drive(Promise.all([stopped, faultLoop]));
    // Fault loop may have acted between the flag and its exit: heal again, then settle.
    cluster.heal();
    await runFor(clock, options.quiesceMs);

    // Anti-entropy has run through the quiet periods: judge it before the full reads repair anything.
    const merkle = checkMerkleConvergence(nodes, nodes[0], options.cluster.n);
    const finalReads = new Map<string, DvvSet>();
    const dataTypeKeys = options.workload.dataTypeClients > 0 ? [...COUNTER_KEYS, ...SET_KEYS] : [];
    const keys = [...new Set([...workload.acked.map((w) => w.key), ...workload.causalKeys.map((k) => k.key), ...dataTypeKeys])].sort();
    const reader = nodes[0];
    for (const key of keys) {
      try {
        const final = await cluster.drive(Promise.resolve(reader.parts.coordinator.read(Buffer.from(key), { r: options.cluster.n })));
        finalReads.set(key, final);
        cluster.log(`final ${key}: ${describeSet(final)}`);
      } catch (err) {
        violations.push(`full read of ${key} via ${reader.nodeId} failed after healing: ${(err as Error).message}`);
      }
    }
    await runFor(clock, 1_000);
    const lost = checkAcknowledgedWrites(finalReads, workload.acked, cluster.dots, nodes);
    const convergence = checkConvergence(keys, nodes, reader, options.cluster.n, options.cluster.tombstoneGraceMs);
    violations.push(
      ...lost.violations,
      ...ackViolations,
      ...checkSingleApplication(workload.acked, cluster.dots),
      ...checkCausalKeys(finalReads, workload.causalKeys),
      ...checkDeletesStayDeleted(finalReads, workload.acked, nodes),
      ...checkSiblingCap(finalReads, cluster.dots),
      ...checkCounters(finalReads, workload.increments, nodes, clock.nowMs()),
      ...checkSetResurrections(finalReads, SET_KEYS, cluster.setStates, clock.nowMs()),
      ...cluster.dots.reusedDots,
      ...convergence.violations,
      ...merkle.violations,
      ...workload.violations,
      ...network.handlerErrors,
      ...cluster.loggedErrors,
    );
    const summary =
      `acked ${workload.acked.length} failed ${workload.failures} indeterminate ${workload.indeterminate} reads ${workload.reads}; ` +
      `present ${lost.present} superseded ${lost.superseded} hinted-only ${lost.hintedOnly}; unconverged-skipped ${convergence.skipped}; merkle-skipped ${merkle.skipped}; crash leftovers ${crashLeftovers}; trace ${cluster.trace.digest}`;
    cluster.log(`checks done: ${violations.length} violations`);
    options.inspect?.(cluster);
    return { seed: options.seed, violations, traceTail: cluster.trace.tail, digest: cluster.trace.digest, summary, kept: cluster.trace.kept };
  } finally {
    closing = true;
    // Pause rather than crash: the clock never advances again, so nothing more runs, and no
    // leftover continuation meets a closed store.
    for (const node of nodes) node.pause();
    await drainMicrotasks();
    await drainMicrotasks();
    process.off('unhandledRejection', unhandled);
  }
}

/** Random faults until `active()` turns false. */
async function injectFaults(cluster: SimCluster, active: () => boolean, diskFull: boolean): Promise<void> {
  const { clock, network, nodes, random } = cluster;
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)];
  while (active()) {
    await clock.sleep(FAULT_GAP_MIN_MS + random.int(FAULT_GAP_MAX_MS - FAULT_GAP_MIN_MS + 1));
    if (!active()) return;
    const running = nodes.filter((n) => n.state === 'up');
    // 0-99 as before; 100-105 clock jumps, 106-111 full disks (appended, so old ranges keep their odds).
    // 112-119: membership changes, drawn only when they are on (so other schedules keep their rolls).
    const changes = cluster.membershipChanges;
    const roll = changes ? random.int(120) : random.int(diskFull ? 112 : 106);
    if (roll >= 112 || (changes && !diskFull && roll >= 106)) {
      if (changes) changeMembership(cluster, changes);
      continue;
    }
    if (roll < 15) {
      // Symmetric partition: a random minority cut off from the rest.
      const size = 1 + random.int(Math.max(1, Math.floor(nodes.length / 2)));
      const minority = new Set<string>();
      while (minority.size < size) minority.add(pick(nodes).nodeId);
      for (const a of nodes) for (const b of nodes) if (minority.has(a.nodeId) !== minority.has(b.nodeId)) network.cut(a.nodeId, b.nodeId);
      cluster.log(`fault: partition {${[...minority].sort().join(',')}} | rest`);
    } else if (roll < 25) {
      const a = pick(nodes).nodeId;
      const b = pick(nodes.filter((n) => n.nodeId !== a)).nodeId;
      network.cut(a, b);
      cluster.log(`fault: one-way cut ${a} -> ${b}`);
    } else if (roll < 40) {
      network.healAll();
      cluster.log('fault: partitions heal');
    } else if (roll < 52) {
      // Keep at least one node running so clients have somewhere to go.
      if (running.length > 1) {
        const node = pick(running);
        node.crash();
        cluster.log(`fault: crash ${node.nodeId}`);
      }
    } else if (roll < 64) {
      const crashed = nodes.filter((n) => n.state === 'crashed' && !isUnjoinedSpare(cluster.membershipChanges, n.nodeId));
      if (crashed.length > 0) {
        const node = pick(crashed);
        node.restart();
        cluster.log(`fault: restart ${node.nodeId}`);
      }
    } else if (roll < 72) {
      if (running.length > 1) {
        const node = pick(running);
        node.pause();
        cluster.log(`fault: pause ${node.nodeId}`);
      }
    } else if (roll < 80) {
      const paused = nodes.filter((n) => n.state === 'paused');
      if (paused.length > 0) {
        const node = pick(paused);
        node.resume();
        cluster.log(`fault: resume ${node.nodeId}`);
      }
    } else if (roll >= 106) {
      // A disk fills up for a while: writes there fail cleanly (never acknowledged), reads work.
      const node = pick(nodes);
      const full = random.int(2) === 0;
      node.store.setFull(full);
      cluster.log(`fault: disk ${full ? 'full' : 'freed'} on ${node.nodeId}`);
    } else if (roll >= 100) {
      // A wall-clock step (NTP, a bad RTC), bounded to +-CLOCK_SKEW_MAX_MS from true time.
      const node = pick(nodes);
      node.clock.offsetMs = random.int(2 * CLOCK_SKEW_MAX_MS + 1) - CLOCK_SKEW_MAX_MS;
      cluster.log(`fault: wall clock of ${node.nodeId} off by ${node.clock.offsetMs}ms`);
    } else {
      const faults = {
        dropProbability: random.int(4) === 0 ? 0 : random.float() * 0.15,
        duplicateProbability: random.float() * 0.05,
        delayMinMs: 1,
        delayMaxMs: 2 + random.int(300),
      };
      network.faults = faults;
      cluster.log(`fault: links drop ${faults.dropProbability.toFixed(3)} dup ${faults.duplicateProbability.toFixed(3)} delay 1..${faults.delayMaxMs}ms`);
    }
  }
}

/** `a@n1:3 b@n2:1 (tombstones as ~) ctx {..}`: a key's siblings for the trace. */
export function describeSet(set: DvvSet): string {
  const versions = siblings(set).map(({ dot, version }) => `${version.tombstone ? '~' : version.data.toString()}@${dot.actor}:${dot.counter}`);
  return `${versions.join(' ') || '(none)'} ctx ${formatVector(join(set))}`;
}
