/**
 * DBSIZE: the keys holding a live value in *this node's* replicas (not the cluster total: a key is
 * stored on N nodes, and summing across nodes would count it N times).
 */
import { NO_KEYS, type CommandSpec } from './command';
import { integer } from '../resp/reply';

export const DBSIZE: CommandSpec = {
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  keys: NO_KEYS,
  group: 'server',
  summary: 'Returns the number of keys held by this node\'s replicas.',
  run: ({ node }) => integer(node.keyspace.liveKeys),
};
