import { setView } from '../datatypes/key-type';
import type { Orswot } from '../datatypes/orswot';
import type { CommandContext } from './context';
import { keyValue } from './string-value';

/** The set at `key` after a quorum read, its siblings merged; a missing key is empty, another kind WRONGTYPE. */
export async function readSet(ctx: CommandContext, key: Buffer): Promise<Orswot> {
  return setView(keyValue(ctx, await ctx.node.coordinator.read(key)));
}
