import { Random } from '../lib/random';
import { Store } from '../storage/store';

const NODE_ID_KEY = Buffer.from('node-id');

/** A node's identity problem, worded for the operator. */
export class NodeIdentityError extends Error {
  override name = 'NodeIdentityError';
}

/**
 * The node id is kept in the data dir's `meta` table. A configured id must match the stored one
 * (a data dir belongs to one node); an empty data dir takes the configured id (a replacement node)
 * or a freshly generated one.
 */
export function settleNodeId(store: Store, configured: string | undefined, random: Random): { nodeId: string; created: boolean } {
  const stored = store.get('meta', NODE_ID_KEY)?.toString('utf8');
  if (stored !== undefined) {
    if (configured !== undefined && configured !== stored) {
      throw new NodeIdentityError(`data dir belongs to node '${stored}', not '${configured}': use another --data or drop --node-id`);
    }
    return { nodeId: stored, created: false };
  }
  const nodeId = configured ?? `n-${random.bytes(6).toString('hex')}`;
  store.put('meta', NODE_ID_KEY, Buffer.from(nodeId, 'utf8'));
  return { nodeId, created: true };
}
