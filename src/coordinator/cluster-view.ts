import type { PeerAddress } from '../peer/transport';

/**
 * What a coordinator needs to know about the cluster, as membership sees it now. Implemented by
 * the membership shell (gossip + failure detection) and by the simulator.
 */
export interface ClusterView {
  readonly selfId: string;
  /** The owner of every partition (index = partition), from the claim over the ring's members. */
  owners(): readonly string[];
  /** Where a node's peer port is, if it is a known member. */
  addressOf(nodeId: string): PeerAddress | undefined;
  /** Whether requests should go to this node now (not suspect or down); this node always is. */
  isUsable(nodeId: string): boolean;
  /**
   * Nodes that still hold records of `partition` they are handing off to its primaries (a ring
   * change moved the partition away from them and the transfer is not done). Read coordinators
   * ask them too. Absent = none.
   */
  handoffSources?(partition: number): readonly string[];
}
