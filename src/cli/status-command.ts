import { Clock } from '../lib/clock';
import { RespClient } from './resp-client';

/**
 * `dynkv status [--host h] [--port p]`: the ring, members, their health and keys, hints and repair
 * progress, as one node sees them, for a person to read.
 */
const TIMEOUT_MS = 3000;

type Member = [string, string, number, string, number];

export async function runStatus(host: string, port: number, clock: Clock, out: (line: string) => void): Promise<number> {
  const client = await RespClient.connect(host, port, clock, TIMEOUT_MS);
  try {
    const members = (await client.call('RING', 'MEMBERS')) as Member[];
    const status = (await client.call('RING', 'STATUS')) as unknown[];
    const info = String(await client.call('INFO', 'server'));
    const nodeId = /node_id:(\S+)/.exec(info)?.[1] ?? '?';
    const partitions = members.reduce((sum, m) => sum + Number(m[4]), 0);
    out(`cluster seen from ${host}:${port} (${nodeId}): ${members.length} members, ${partitions} partitions`);
    out('');
    out(`  ${'node'.padEnd(18)} ${'peer address'.padEnd(22)} ${'client'.padEnd(7)} ${'status'.padEnd(9)} ${'parts'.padEnd(6)} keys`);
    let unhealthy = 0;
    const transfers: TransferRow[] = [];
    for (const [id, address, clientPort, memberStatus, owned] of members) {
      // A removed member finished its RING LEAVE: gone on purpose, not unhealthy.
      if (memberStatus !== 'up' && memberStatus !== 'removed') unhealthy++;
      // Leaving and joining nodes serve too, and are where transfers run.
      const reachable = memberStatus === 'up' || memberStatus === 'leaving' || memberStatus === 'joining';
      const seen = reachable ? await nodeFigures(address.slice(0, address.lastIndexOf(':')), Number(clientPort), clock) : { keys: '-', transfers: [] };
      transfers.push(...seen.transfers);
      out(`  ${id.padEnd(18)} ${address.padEnd(22)} ${String(clientPort).padEnd(7)} ${memberStatus.padEnd(9)} ${String(owned).padEnd(6)} ${seen.keys}`);
    }
    out('');
    const hints = (status[1] ?? []) as Array<[string, number]>;
    out(`hints held on ${nodeId}: ${hints.length === 0 ? 'none' : hints.map(([target, count]) => `${count} for ${target}`).join(', ')}`);
    out(`transfers in flight: ${transfers.length === 0 ? 'none' : transfers.length}`);
    for (const [partition, from, to, sent, progress] of transfers) {
      out(`  partition ${String(partition).padEnd(5)} ${from} -> ${to}: ${sent} records sent, ${progress} dropped/total at the source`);
    }
    out(`anti-entropy: ${describeAntiEntropy(status[5])}`);
    return unhealthy === 0 ? 0 : 1;
  } finally {
    client.close();
  }
}

/** RING STATUS's anti_entropy name/value pairs as one line: `exchanges 12, keys_repaired 3, ...`. */
function describeAntiEntropy(pairs: unknown): string {
  if (!Array.isArray(pairs)) return String(pairs);
  const parts: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) parts.push(`${String(pairs[i])} ${String(pairs[i + 1])}`);
  return parts.join(', ');
}

/** RING STATUS transfer row: partition, from, "to1,to2", records sent, "dropped/total". */
type TransferRow = [number, string, string, number, string];

/** A member's key count and the transfers it runs, asked of the member itself. */
async function nodeFigures(host: string, port: number, clock: Clock): Promise<{ keys: string; transfers: TransferRow[] }> {
  try {
    const client = await RespClient.connect(host, port, clock, TIMEOUT_MS);
    try {
      const keys = String(await client.call('DBSIZE'));
      const status = (await client.call('RING', 'STATUS')) as unknown[];
      return { keys, transfers: (status[3] ?? []) as TransferRow[] };
    } finally {
      client.close();
    }
  } catch {
    return { keys: 'unreachable', transfers: [] };
  }
}
