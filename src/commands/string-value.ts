import { checkValueSize as checkSize, visibleValue } from '../coordinator/apply-mutation';
import type { MutationResult } from '../coordinator/mutation';
import { NULL, OK, Reply, bulk, integer } from '../resp/reply';
import type { CommandContext } from './context';

export { visibleValue };

/** Refuse values over --max-value-bytes with the SPEC's error. */
export function checkValueSize(ctx: CommandContext, bytes: number): void {
  checkSize(bytes, { valueBytesMax: ctx.node.config.maxValueBytes });
}

/** A mutation's answer as the client sees it. */
export function resultReply(result: MutationResult): Reply {
  switch (result.kind) {
    case 'ok':
      return OK;
    case 'null':
      return NULL;
    case 'bulk':
      return bulk(result.value);
    case 'integer':
      return integer(result.value);
  }
}
