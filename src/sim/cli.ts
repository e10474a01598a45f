/**
 * `npm run sim -- --schedules K --seed S [--nodes M] [--workload-ms T]`: run K schedules (schedule i
 * uses seed S+i). Output depends only on the arguments, so a failing seed can be replayed exactly;
 * the last line is `K schedules, V violations` and the exit code is 0 only when V = 0.
 */
import { DEFAULT_SCHEDULE, runSchedule } from './run-schedule';

interface CliOptions {
  readonly schedules: number;
  readonly seed: number;
  readonly nodes: number;
  readonly workloadMs: number;
  readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--verbose') {
      verbose = true;
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
    if (!['schedules', 'seed', 'nodes', 'workload-ms'].includes(name)) throw new Error(`unknown option --${name}`);
  }
  return { schedules: int('schedules', 10), seed: int('seed', 1), nodes: int('nodes', DEFAULT_SCHEDULE.nodes), workloadMs: int('workload-ms', DEFAULT_SCHEDULE.workloadMs), verbose };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  let violations = 0;
  for (let i = 0; i < options.schedules; i++) {
    const seed = options.seed + i;
    const result = await runSchedule({ ...DEFAULT_SCHEDULE, seed, nodes: options.nodes, workloadMs: options.workloadMs });
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
    console.log(`  replay: npm run sim -- --schedules 1 --seed ${seed} --nodes ${options.nodes}`);
  }
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
