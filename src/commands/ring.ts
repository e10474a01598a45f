import { ReplyError } from '../lib/errors';
import { OK, Reply, array, bulk, integer, NULL } from '../resp/reply';
import { CommandSpec, NO_KEYS } from './command';
import { CommandContext } from './context';

/**
 * RING MEMBERS | PREFLIST key | STATUS | JOIN host:peerPort | LEAVE — the cluster as this node sees
 * it. Replies are arrays (redis-cli prints them readably; scripts index them):
 * MEMBERS: [[id, "host:peerPort", clientPort, status, partitions], ...], status being the member's
 * ring status (joining/leaving) or, for a member in the ring, this node's view of it (up/suspect/down).
 */
const SUBCOMMANDS: Record<string, { arity: number; run: (ctx: CommandContext, args: readonly Buffer[]) => Reply | Promise<Reply> }> = {
  members: {
    arity: 2,
    run: (ctx) =>
      array(
        ctx.node.cluster.members().map((m) => array([bulk(m.nodeId), bulk(`${m.host}:${m.peerPort}`), integer(m.clientPort), bulk(m.status), integer(m.partitions)])),
      ),
  },
  preflist: {
    arity: 3,
    run: (ctx, args) => {
      const { partition, entries } = ctx.node.cluster.preflist(args[2]);
      return array([integer(partition), array(entries.map((e) => array([bulk(e.node), bulk(e.role), e.standsInFor ? bulk(e.standsInFor) : NULL])))]);
    },
  },
  status: {
    arity: 2,
    run: (ctx) => {
      const { cluster } = ctx.node;
      const hints = [...cluster.hintsPending()].map(([target, count]) => array([bulk(target), integer(count)]));
      const ae = cluster.antiEntropy();
      // Flat name/value pairs, like the top level: [exchanges, n, keys_repaired, n, ...].
      const antiEntropy = array([
        bulk('exchanges'),
        integer(ae.exchanges),
        bulk('exchanges_failed'),
        integer(ae.exchangesFailed),
        bulk('keys_repaired'),
        integer(ae.keysPulled + ae.keysPushed),
        bulk('keys_pulled'),
        integer(ae.keysPulled),
        bulk('keys_pushed'),
        integer(ae.keysPushed),
        bulk('cycles'),
        integer(ae.cycles),
        bulk('last_cycle_ms'),
        integer(ae.lastCycleMs),
        bulk('partitions_behind'),
        integer(ae.partitionsBehind),
      ]);
      // One row per partition this node hands off: [partition, from, "to1,to2,..", sent, "dropped/total"].
      const transfers = cluster.transfers().map((t) => array([integer(t.partition), bulk(t.from), bulk(t.to.join(',')), integer(t.sent), bulk(`${t.dropped}/${t.total}`)]));
      return array([bulk('hints_pending'), array(hints), bulk('transfers'), array(transfers), bulk('anti_entropy'), antiEntropy, bulk('member_status'), bulk(leaveState(cluster.memberStatus()))]);
    },
  },
  join: {
    arity: 3,
    run: async (ctx, args) => {
      const address = args[2].toString('utf8');
      if (!/^[^\s:]+:\d{1,5}$/.test(address)) throw new ReplyError('ERR RING JOIN takes host:peerPort');
      await ctx.node.cluster.join(address);
      return OK;
    },
  },
  leave: {
    arity: 2,
    run: (ctx) => {
      try {
        ctx.node.cluster.leave();
      } catch (err) {
        throw new ReplyError(`ERR RING LEAVE refused: ${(err as Error).message}`);
      }
      return OK;
    },
  },
};

/** A removed node is one whose RING LEAVE completed: it says so, as the log line does. */
function leaveState(status: string): string {
  return status === 'removed' ? 'removed (handoff complete, safe to stop)' : status;
}

export const RING: CommandSpec = {
  name: 'ring',
  arity: -2,
  flags: ['admin'],
  keys: NO_KEYS,
  group: 'dynkv',
  summary: 'RING MEMBERS | PREFLIST key | STATUS | JOIN host:peerPort | LEAVE: the cluster ring and membership.',
  subcommands: Object.keys(SUBCOMMANDS),
  run: (ctx, args) => {
    const name = args[1].toString('latin1').toLowerCase();
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new ReplyError(`ERR unknown subcommand '${args[1].toString('latin1')}'. Try RING MEMBERS, PREFLIST, STATUS, JOIN, LEAVE.`);
    if (sub.arity !== args.length) throw new ReplyError(`ERR wrong number of arguments for 'ring|${name}' command`);
    return sub.run(ctx, args);
  },
};
