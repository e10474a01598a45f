import { CommandSpec } from './command';
import { CommandTable } from './context';
// Connection and server commands.
import { CLIENT } from './client';
import { COMMAND } from './command-introspection';
import { CONFIG } from './config';
import { DBSIZE } from './dbsize';
import { ECHO } from './echo';
import { FLUSHALL, FLUSHDB } from './flushall';
import { FUNCTION } from './function';
import { HELLO } from './hello';
import { INFO } from './info';
import { PING } from './ping';
import { QUIT } from './quit';
import { SELECT } from './select';
import { TIME } from './time';
// Keys and strings.
import { APPEND } from './append';
import { DEL } from './del';
import { EXISTS } from './exists';
import { EXPIRE, PEXPIRE } from './expire';
import { GET } from './get';
import { GETDEL } from './getdel';
import { GETSET } from './getset';
import { DECR, DECRBY, INCR, INCRBY } from './incr';
import { MGET } from './mget';
import { MSET } from './mset';
import { PERSIST } from './persist';
import { SET } from './set';
import { SETNX } from './setnx';
import { STRLEN } from './strlen';
import { PTTL, TTL } from './ttl';
import { TYPE } from './type';
// Sets (add-wins, conflict-free).
import { SADD } from './sadd';
import { SCARD } from './scard';
import { SISMEMBER } from './sismember';
import { SMEMBERS } from './smembers';
import { SREM } from './srem';
// The Dynamo interface and the cluster.
import { RING } from './ring';
import { VDEL } from './vdel';
import { VGET } from './vget';
import { VSET } from './vset';

export const ALL_COMMANDS: readonly CommandSpec[] = [
  CLIENT, COMMAND, CONFIG, DBSIZE, ECHO, FLUSHALL, FLUSHDB, FUNCTION, HELLO, INFO, PING, QUIT, SELECT, TIME,
  APPEND, DEL, EXISTS, EXPIRE, PEXPIRE, GET, GETDEL, GETSET, INCR, DECR, INCRBY, DECRBY, MGET, MSET, PERSIST,
  SET, SETNX, STRLEN, TTL, PTTL, TYPE,
  SADD, SREM, SMEMBERS, SISMEMBER, SCARD,
  VGET, VSET, VDEL, RING,
];

export function createCommandTable(specs: readonly CommandSpec[] = ALL_COMMANDS): CommandTable {
  const byName = new Map<string, CommandSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new Error(`command ${spec.name} registered twice`);
    byName.set(spec.name, spec);
  }
  return { get: (name) => byName.get(name), all: () => specs };
}

/** Arity as Redis checks it: exact for positive, minimum for negative (counting the name). */
export function arityAccepts(spec: CommandSpec, argCount: number): boolean {
  return spec.arity >= 0 ? argCount === spec.arity : argCount >= -spec.arity;
}
