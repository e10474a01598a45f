import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Clock } from '../lib/clock';

/**
 * `dynkv cluster --nodes K [--port P]`: K nodes on 127.0.0.1, client ports P.., peer ports
 * P+10000.., data under ./data/<port>, each node's JSON log in ./data/<port>/node.log. The
 * second and later nodes join through the first. Ctrl-C stops all of them cleanly.
 */
export interface ClusterCommandOptions {
  readonly nodes: number;
  readonly basePort: number;
  /** Extra flags for every node (e.g. --n 3 --r 2 --w 2). */
  readonly nodeArgs: readonly string[];
  readonly binPath: string;
  readonly clock: Clock;
  readonly out: (line: string) => void;
}

export const NODES_MAX = 16;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

interface RunningNode {
  readonly index: number;
  readonly port: number;
  readonly child: ChildProcess;
  nodeId?: string;
}

export async function runCluster(options: ClusterCommandOptions): Promise<void> {
  const { nodes, basePort, clock, out } = options;
  const seed = `127.0.0.1:${basePort + 10000}`;
  const running: RunningNode[] = [];
  const stopAll = async (signal: string) => {
    out(`stopping ${running.length} nodes (${signal})...`);
    await Promise.all(running.map((node) => stopNode(node, clock)));
    out('all nodes stopped');
  };
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: string) => {
    stopping ??= stopAll(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  for (let index = 0; index < nodes; index++) {
    const port = basePort + index;
    const dataDir = path.join('data', String(port));
    fs.mkdirSync(dataDir, { recursive: true });
    const log = fs.openSync(path.join(dataDir, 'node.log'), 'a');
    const args = [options.binPath, 'start', '--port', String(port), '--peer-port', String(port + 10000), '--data', dataDir, ...options.nodeArgs];
    if (index > 0) args.push('--seeds', seed);
    const child = spawn(process.execPath, args, { stdio: ['ignore', log, 'pipe'] });
    fs.closeSync(log);
    const node: RunningNode = { index, port, child };
    running.push(node);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      if (!stopping) out(`node ${index + 1} (port ${port}) exited (${signal ?? code})${stderr ? `: ${stderr.trim()}` : ''}`);
    });
    try {
      node.nodeId = await waitListening(path.join(dataDir, 'node.log'), child, clock);
    } catch (err) {
      out(`node ${index + 1} (port ${port}) did not start: ${stderr.trim() || (err as Error).message}`);
      await stopAll('start failed');
      process.exit(1);
    }
    out(`node ${index + 1}  ${node.nodeId}  client 127.0.0.1:${port}  peer 127.0.0.1:${port + 10000}  log ${path.join(dataDir, 'node.log')}`);
  }
  out(`${nodes} nodes up. Try: redis-cli -p ${basePort} SET greeting hello; redis-cli -p ${basePort + nodes - 1} GET greeting; npx dynkv status --port ${basePort}. Ctrl-C stops them all.`);
}

/** Poll the node's log for its "listening" line; resolves the node id it reports. */
function waitListening(logPath: string, child: ChildProcess, clock: Clock): Promise<string> {
  const deadlineMs = clock.monotonicMs() + START_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (child.exitCode !== null) return reject(new Error(`exited with ${child.exitCode}`));
      const text = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '';
      const match = /"node":"([^"]+)"[^\n]*listening on/.exec(text.split('\n').slice(-50).join('\n'));
      if (match) return resolve(match[1]);
      if (clock.monotonicMs() > deadlineMs) return reject(new Error(`not listening after ${START_TIMEOUT_MS} ms`));
      clock.setTimer(50, check);
    };
    check();
  });
}

function stopNode(node: RunningNode, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
    const timer = clock.setTimer(STOP_TIMEOUT_MS, () => node.child.kill('SIGKILL'));
    node.child.once('exit', () => {
      timer.cancel();
      resolve();
    });
    node.child.kill('SIGTERM');
  });
}
