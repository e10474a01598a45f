import type { MutateResult } from '../coordinator/coordinator';
import { ReplyError } from '../lib/errors';
import { Reply } from '../resp/reply';
import { SYNTAX_ERROR } from './args';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { ExpiryUnit, deadlineMs } from './expiry-options';
import { checkValueSize, resultReply } from './string-value';

/** SET's options after parsing: at most one expiry form, at most one of NX/XX. */
export interface SetOptions {
  readonly expiry?: { readonly unit: ExpiryUnit; readonly arg: Buffer } | 'KEEPTTL';
  readonly condition?: 'NX' | 'XX';
  readonly get: boolean;
}

export function parseSetOptions(args: readonly Buffer[], from: number): SetOptions {
  let expiry: SetOptions['expiry'];
  let condition: SetOptions['condition'];
  let get = false;
  for (let i = from; i < args.length; i++) {
    const word = args[i].toString('latin1').toUpperCase();
    if ((word === 'NX' || word === 'XX') && condition === undefined) condition = word;
    else if (word === 'GET' && !get) get = true;
    else if (word === 'KEEPTTL' && expiry === undefined) expiry = 'KEEPTTL';
    else if ((word === 'EX' || word === 'PX' || word === 'EXAT' || word === 'PXAT') && expiry === undefined && i + 1 < args.length) {
      expiry = { unit: word, arg: args[++i] };
    } else throw new ReplyError(SYNTAX_ERROR);
  }
  return { expiry, condition, get };
}

/**
 * SET as Redis has it, over a quorum write that supersedes every version the coordinator has seen.
 * NX/XX and GET are decided on what the coordinator read: best effort, not linearizable, in a cluster.
 */
export function runSet(ctx: CommandContext, key: Buffer, value: Buffer, options: SetOptions, commandName: string): Promise<Reply> {
  // Not an async function: one promise fewer on the hottest write path. Errors still reject.
  try {
    checkValueSize(ctx, value.length);
    const { expiry } = options;
    // The deadline is fixed here, by the node that received the command, before anything is written.
    const expiresAtMs =
      expiry === 'KEEPTTL' ? 'keep' : expiry === undefined ? 0 : deadlineMs(expiry.unit, expiry.arg, ctx.node.clock.nowMs(), commandName);
    return ctx.node.coordinator
      .mutate(key, { kind: 'set', value, expiresAtMs, condition: options.condition, returnPrevious: options.get })
      .then(replyOfWrite);
  } catch (err) {
    return Promise.reject(err);
  }
}

function replyOfWrite(written: MutateResult): Reply {
  return resultReply(written.result);
}

export const SET: CommandSpec = {
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: ONE_KEY,
  group: 'string',
  summary: 'Sets the string value of a key (quorum write), with optional expiry and NX/XX/GET.',
  run: (ctx, args) => runSet(ctx, args[1], args[2], parseSetOptions(args, 3), 'set'),
};
