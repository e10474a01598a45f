import { ReplyError } from '../lib/errors';
import { SYNTAX_ERROR, parseInt64 } from './args';
import { CommandSpec, ONE_KEY } from './command';
import { CommandContext } from './context';
import { resultReply } from './string-value';

type Condition = 'NX' | 'XX' | 'GT' | 'LT' | undefined;

function parseCondition(args: readonly Buffer[]): Condition {
  let condition: Condition;
  for (const arg of args.slice(3)) {
    const word = arg.toString('latin1').toUpperCase();
    if (word !== 'NX' && word !== 'XX' && word !== 'GT' && word !== 'LT') throw new ReplyError(SYNTAX_ERROR);
    if (condition !== undefined && condition !== word) {
      throw new ReplyError(
        (condition === 'GT' || condition === 'LT') && (word === 'GT' || word === 'LT')
          ? 'ERR GT and LT options at the same time are not compatible'
          : 'ERR NX and XX, GT or LT options at the same time are not compatible',
      );
    }
    condition = word;
  }
  return condition;
}

async function expire(ctx: CommandContext, args: readonly Buffer[], unitMs: number, name: string) {
  const raw = parseInt64(args[2]);
  if (raw === undefined) throw new ReplyError('ERR value is not an integer or out of range');
  const condition = parseCondition(args);
  const deadline = BigInt(ctx.node.clock.nowMs()) + raw * BigInt(unitMs);
  if (deadline > BigInt(Number.MAX_SAFE_INTEGER) || raw * BigInt(unitMs) < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReplyError(`ERR invalid expire time in '${name}' command`);
  }
  const { result } = await ctx.node.coordinator.mutate(args[1], { kind: 'expire', expiresAtMs: Number(deadline), condition });
  return resultReply(result);
}

const common = { arity: -3, flags: ['write', 'fast'], keys: ONE_KEY, group: 'generic' } as const;

export const EXPIRE: CommandSpec = {
  ...common,
  name: 'expire',
  summary: 'Sets a key\'s time to live in seconds [NX|XX|GT|LT].',
  run: (ctx, args) => expire(ctx, args, 1000, 'expire'),
};

export const PEXPIRE: CommandSpec = {
  ...common,
  name: 'pexpire',
  summary: 'Sets a key\'s time to live in milliseconds [NX|XX|GT|LT].',
  run: (ctx, args) => expire(ctx, args, 1, 'pexpire'),
};
