import { execFile } from 'node:child_process';

/** Run the real redis-cli against a port; resolves stdout (trailing newline removed). */
export function redisCli(port: number, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')} failed: ${err.message} ${stderr}`));
      else resolve(stdout.replace(/\n$/, ''));
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
