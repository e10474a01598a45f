import { checkValueSize as checkSize } from '../coordinator/apply-mutation';
import type { MutationResult } from '../coordinator/mutation';
import { KeyValue, readKeyValue } from '../datatypes/value';
import { NULL, OK, Reply, bulk, integer } from '../resp/reply';
import type { DvvSet } from '../versioning/dvvset';
import type { CommandContext } from './context';

/** What a key holds now, its siblings merged (src/datatypes/value.ts). */
export function keyValue(ctx: CommandContext, set: DvvSet): KeyValue {
  return readKeyValue(set, ctx.node.clock.nowMs());
}

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
