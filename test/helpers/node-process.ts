import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePortPair } from './free-port';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dynkv.js');
const START_TIMEOUT_MS = 15_000;

/** Every process started by tests, so a failed test cannot leave one behind. */
const running = new Set<NodeProcess>();
process.on('exit', () => {
  for (const node of running) node.child?.kill('SIGKILL');
});

export interface NodeProcessOptions {
  /** Extra flags, e.g. ['--n', '1']. Port, peer port and data dir are chosen unless given here. */
  readonly args?: readonly string[];
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
}

/** A real `dynkv start` process on free loopback ports, with its log lines collected. */
export class NodeProcess {
  child: ChildProcess | undefined;
  readonly logLines: string[] = [];
  stderr = '';
  exitCode: number | null = null;

  private constructor(
    readonly port: number,
    readonly peerPort: number,
    readonly dataDir: string,
    readonly options: NodeProcessOptions,
  ) {}

  static async start(options: NodeProcessOptions = {}): Promise<NodeProcess> {
    const { port, peerPort } = await freePortPair();
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dynkv-test-'));
    const node = new NodeProcess(port, peerPort, dataDir, options);
    await node.launch();
    return node;
  }

  /** Single-node defaults (N=R=W=1) for the step-1 tests. */
  static startSingle(args: readonly string[] = []): Promise<NodeProcess> {
    return NodeProcess.start({ args: ['--n', '1', '--r', '1', '--w', '1', ...args] });
  }

  async launch(): Promise<void> {
    const args = [BIN, 'start', '--port', String(this.port), '--peer-port', String(this.peerPort), '--data', this.dataDir, ...(this.options.args ?? [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.options.env } });
    this.child = child;
    this.exitCode = null;
    // Only lines of this run count: an earlier run's "listening" line must not end the wait.
    const firstLine = this.logLines.length;
    running.add(this);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      this.logLines.push(...lines);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        running.delete(this);
        resolve();
      }),
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!this.logLines.slice(firstLine).some((line) => line.includes('listening on'))) {
      if (this.exitCode !== null || child.exitCode !== null) {
        await exited;
        throw new Error(`dynkv exited with ${this.exitCode} before listening: ${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`dynkv did not start within ${START_TIMEOUT_MS} ms: ${this.stderr}`);
      await sleep(20);
    }
  }

  /** Send a signal and wait for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exitCode;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    return this.exitCode;
  }

  /** Stop (SIGTERM) and remove the data dir. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Start again on the same ports and data dir. */
  async restart(): Promise<void> {
    await this.launch();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
