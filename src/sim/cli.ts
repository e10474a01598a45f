/**
 * `npm run sim -- --schedules K --seed S [--nodes M] [--workload-ms T]`: run K schedules (schedule i
 * uses seed S+i). Output depends only on the arguments, so a failing seed can be replayed exactly;
 * the last line is `K schedules, V violations` and the exit code is 0 only when V = 0.
 *
 * The full-disk fault is on by default (`--no-disk-full` leaves it out; `--disk-full` is still
 * accepted). `--break NAME` (repeatable) switches on a deliberate bug (src/lib/breaks.ts) to show the checkers
 * catch it; `--list-breaks` prints their names. `--scale M [--scale-ms T]` gossips an idle M-node
 * cluster for T simulated ms and reports gossip traffic per node per second.
 * `--membership-changes` adds a spare node that joins and a member that leaves (RING LEAVE) to
 * the faults, so partition transfers run under them.
 */
import { BREAK_NAMES, BreakName, isBreakName } from '../lib/breaks';
import { DEFAULT_SCHEDULE, runSchedule } from './run-schedule';
import { runScaleModel } from './scale-model';

interface CliOptions {
  readonly schedules: number;
  readonly seed: number;
  readonly nodes: number;
  readonly workloadMs: number;
  readonly verbose: boolean;
  readonly breaks: readonly BreakName[];
  readonly listBreaks: boolean;
  readonly diskFull: boolean;
  readonly membershipChanges: boolean;
  readonly scale: number;
  readonly scaleMs: number;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  let verbose = false;
  let listBreaks = false;
  let diskFull = true;
  let membershipChanges = false;
  const breaks: BreakName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    if (arg === '--disk-full' || arg === '--no-disk-full') {
      diskFull = arg === '--disk-full';
      continue;
    }
    if (arg === '--membership-changes') {
      membershipChanges = true;
      continue;
    }
    if (arg === '--list-breaks') {
      listBreaks = true;
      continue;
    }
    if (arg === '--break') {
      const name = argv[++i] ?? '';
      if (!isBreakName(name)) throw new Error(`--break needs one of ${BREAK_NAMES.join(', ')}, got ${name}`);
      breaks.push(name);
      continue;
    }
    if (!arg.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${arg}`);
    values.set(arg.slice(2), argv[++i]);
  }
  const int = (name: string, fallback: number): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value)) throw new Error(`--${name} needs an integer, got ${text}`);
    return value;
  };
  for (const name of values.keys()) {
    if (!['schedules', 'seed', 'nodes', 'workload-ms', 'scale', 'scale-ms'].includes(name)) throw new Error(`unknown option --${name}`);
  }
  return { schedules: int('schedules', 10), seed: int('seed', 1), nodes: int('nodes', DEFAULT_SCHEDULE.nodes), workloadMs: int('workload-ms', DEFAULT_SCHEDULE.workloadMs),
    verbose,
    breaks,
    listBreaks,
    diskFull,
    membershipChanges,
    scale: int('scale', 0),
    scaleMs: int('scale-ms', 60_000),
  };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.listBreaks) {
    for (const name of BREAK_NAMES) console.log(name);
    return 0;
  }
  if (options.scale > 0) {
    const report = await runScaleModel({ nodes: options.scale, durationMs: options.scaleMs, seed: options.seed });
    console.log(report.summary);
    return 0;
  }
  const started = process.hrtime.bigint();
  let violations = 0;
  for (let i = 0; i < options.schedules; i++) {
    const seed = options.seed + i;
    const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed, nodes: options.nodes, workloadMs: options.workloadMs, breaks: options.breaks, diskFull: options.diskFull, membershipChanges: options.membershipChanges });
    violations += result.violations.length;
    if (result.violations.length === 0) {
      console.log(`seed ${seed}: ok (${result.summary})`);
      if (options.verbose) for (const line of result.traceTail) console.log(`  ${line}`);
      continue;
    }
    console.log(`seed ${seed}: FAILED with ${result.violations.length} violations (${result.summary})`);
    for (const violation of result.violations) console.log(`  violation: ${violation}`);
    console.log(`  last ${result.traceTail.length} events:`);
    for (const line of result.traceTail) console.log(`    ${line}`);
    console.log(`  replay: npm run sim -- --schedules 1 --seed ${seed} --nodes ${options.nodes}${options.diskFull ? '' : ' --no-disk-full'}${options.membershipChanges ? ' --membership-changes' : ''}${options.breaks.map((b) => ` --break ${b}`).join('')}`);
  }
  // Wall time goes to stderr: stdout must stay identical for identical arguments.
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  console.error(`wall time ${elapsedS.toFixed(1)} s, ${(options.schedules / elapsedS).toFixed(1)} schedules/s`);
  console.log(`${options.schedules} schedules, ${violations} violations`);
  return violations === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    process.exitCode = 2;
  },
);
