/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]]: the RESP3 handshake that ioredis 6
 * and node-redis 5 send on connect. It switches the connection's protocol and answers the server
 * description as a map (a flat array under RESP2), in the new protocol, as Redis does.
 *
 * AUTH is accepted and ignored: dynkv has no users or ACLs, every connection is the "default"
 * user with all permissions. Put dynkv behind a network boundary you trust.
 */
import { NO_KEYS, type CommandSpec } from './command';
import { lowerName, parseInt64 } from './args';
import { validateClientName } from './client';
import { ReplyError } from '../lib/errors';
import { array, bulk, integer, map } from '../resp/reply';

/** Clients gate features on the version they are told, so dynkv claims the Redis release whose replies it mimics. */
export const REDIS_COMPAT_VERSION = '7.2.0';

export const HELLO: CommandSpec = {
  name: 'hello',
  arity: -1,
  flags: ['fast', 'stale', 'loading', 'noscript'],
  keys: NO_KEYS,
  group: 'connection',
  summary: 'Handshakes with the server: protocol version, optional name. AUTH is accepted and ignored.',
  run: ({ client }, args) => {
    let protocol: 2 | 3 | undefined;
    if (args.length >= 2) {
      const version = parseInt64(args[1]);
      if (version === undefined) throw new ReplyError('ERR Protocol version is not an integer or out of range');
      if (version !== 2n && version !== 3n) throw new ReplyError('NOPROTO unsupported protocol version');
      protocol = version === 2n ? 2 : 3;
    }

    // Parse every option before changing anything, so a syntax error leaves the connection as it was.
    let name: string | undefined;
    for (let i = 2; i < args.length; i++) {
      const option = lowerName(args[i]);
      const remaining = args.length - 1 - i;
      if (option === 'auth' && remaining >= 2) {
        i += 2; // no ACLs: any username and password are accepted
      } else if (option === 'setname' && remaining >= 1) {
        name = validateClientName(args[i + 1]);
        i += 1;
      } else {
        throw new ReplyError(`ERR Syntax error in HELLO option '${args[i].toString('latin1')}'`);
      }
    }

    if (name !== undefined) client.name = name;
    if (protocol !== undefined) client.protocol = protocol;
    return map([
      [bulk('server'), bulk('redis')],
      [bulk('version'), bulk(REDIS_COMPAT_VERSION)],
      [bulk('proto'), integer(client.protocol)],
      [bulk('id'), integer(client.id)],
      [bulk('mode'), bulk('standalone')],
      [bulk('role'), bulk('master')],
      [bulk('modules'), array([])],
    ]);
  },
};
