/**
 * The node's cumulative counters for INFO (stats, commandstats, latencystats). The connection layer
 * records into it; commands read it through the `StatsView` interface. Memory is bounded: one
 * fixed-size histogram per *registered* command name, created on its first call, so a client
 * sending random command names cannot grow it.
 */
import type { StatsView } from '../commands/context';
import { LatencyHistogram } from './latency-histogram';

export interface CommandStat {
  readonly name: string;
  readonly calls: number;
  readonly usecTotal: number;
  readonly failed: number;
  readonly p50Usec: number;
  readonly p99Usec: number;
  readonly p999Usec: number;
}

interface CommandCounters {
  calls: number;
  usecTotal: number;
  failed: number;
  readonly latency: LatencyHistogram;
}

/** Cap on distinct names when no name list is given, so memory stays bounded either way. */
export const MAX_TRACKED_COMMANDS = 256;

export class ServerStats implements StatsView {
  readonly #knownNames: ReadonlySet<string> | undefined;
  #perCommand = new Map<string, CommandCounters>();
  #commandsProcessed = 0;
  #connectionsReceived = 0;
  #protocolErrors = 0;
  #keyspaceHits = 0;
  #keyspaceMisses = 0;
  #netInputBytes = 0;
  #netOutputBytes = 0;

  /**
   * `commandNames`: the names that get per-command statistics (the registered commands). Without
   * it, the first MAX_TRACKED_COMMANDS distinct names do — fine when the caller only records
   * registered names, and still bounded if it does not.
   */
  constructor(commandNames?: Iterable<string>) {
    this.#knownNames = commandNames === undefined ? undefined : new Set([...commandNames].map((name) => name.toLowerCase()));
  }

  get commandsProcessed(): number {
    return this.#commandsProcessed;
  }

  get connectionsReceived(): number {
    return this.#connectionsReceived;
  }

  get protocolErrors(): number {
    return this.#protocolErrors;
  }

  get keyspaceHits(): number {
    return this.#keyspaceHits;
  }

  get keyspaceMisses(): number {
    return this.#keyspaceMisses;
  }

  get netInputBytes(): number {
    return this.#netInputBytes;
  }

  get netOutputBytes(): number {
    return this.#netOutputBytes;
  }

  /**
   * One command answered (`durationUsec` measured by the caller on the monotonic clock). Every call
   * counts toward total_commands_processed; only known names get a commandstats/latency line
   * (recording arbitrary names would make memory unbounded).
   */
  recordCommand(name: string, durationUsec: number, failed: boolean): void {
    this.#commandsProcessed += 1;
    const key = name.toLowerCase();
    let counters = this.#perCommand.get(key);
    if (counters === undefined) {
      const known = this.#knownNames === undefined ? this.#perCommand.size < MAX_TRACKED_COMMANDS : this.#knownNames.has(key);
      if (!known) return;
      counters = { calls: 0, usecTotal: 0, failed: 0, latency: new LatencyHistogram() };
      this.#perCommand.set(key, counters);
    }
    counters.calls += 1;
    counters.usecTotal += Math.max(0, durationUsec);
    if (failed) counters.failed += 1;
    counters.latency.record(durationUsec);
  }

  recordProtocolError(): void {
    this.#protocolErrors += 1;
  }

  recordConnection(): void {
    this.#connectionsReceived += 1;
  }

  recordBytes(inBytes: number, outBytes: number): void {
    this.#netInputBytes += inBytes;
    this.#netOutputBytes += outBytes;
  }

  recordHit(hit: boolean): void {
    if (hit) this.#keyspaceHits += 1;
    else this.#keyspaceMisses += 1;
  }

  /** Commands called at least once, sorted by name so INFO output is stable. */
  commandStats(): CommandStat[] {
    return [...this.#perCommand.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, counters]) => ({
        name,
        calls: counters.calls,
        usecTotal: counters.usecTotal,
        failed: counters.failed,
        p50Usec: counters.latency.percentile(50),
        p99Usec: counters.latency.percentile(99),
        p999Usec: counters.latency.percentile(99.9),
      }));
  }

  /** Back to zero, as CONFIG RESETSTAT does in Redis. */
  reset(): void {
    this.#perCommand.clear();
    this.#commandsProcessed = 0;
    this.#connectionsReceived = 0;
    this.#protocolErrors = 0;
    this.#keyspaceHits = 0;
    this.#keyspaceMisses = 0;
    this.#netInputBytes = 0;
    this.#netOutputBytes = 0;
  }
}
