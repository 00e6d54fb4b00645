/**
 * Waste placed in the demo estate on purpose, so that every kind the waste rules look for is there to
 * find: idle Kubernetes nodes, instances and volumes past their `expires-at` or `ttl` tag (and a few
 * that are not yet, to tell apart), untagged instances, oversized and under-used io1 volumes, volumes
 * left unattached, extra gp2 data volumes, snapshots of volumes that are gone, buckets without lifecycle
 * rules. The rest of the estate already holds its share of idle and long-stopped instances, unattached
 * volumes, old and orphaned snapshots, unassociated Elastic IPs and an idle NAT gateway.
 *
 * Everything here is drawn from its own random stream (`ctx.rng` is not the estate's main one) and added
 * after every other record, so the records before it, and their bill, are unchanged. The new records are
 * billed like any other.
 *
 * The steps live beside this file: estate-waste-instances.ts and estate-waste-storage.ts; what the rules
 * should find in the result is estate-waste-counts.ts.
 */
import type { Account, BuildContext, Ec2Estate, Network, Services } from "./estate-types.js";
import { expiringInstances, idleNodes, untaggedInstances } from "./estate-waste-instances.js";
import {
  extraDataVolumes,
  leftoverSnapshots,
  neglectedBuckets,
  oversizedIo1,
  unattachedVolumes,
} from "./estate-waste-storage.js";

/** How many records of each kind of placed waste were added (for the demo's report). */
export interface PlacedWaste {
  idleKubernetesNodes: number;
  expiringInstances: number;
  untaggedInstances: number;
  io1Volumes: number;
  unattachedVolumes: number;
  extraDataVolumes: number;
  expiringVolumes: number;
  snapshots: number;
  buckets: number;
}

/** Adds the placed waste to the estate's records; returns how many of each kind were added. */
export function plantWaste(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
  services: Services,
): PlacedWaste {
  // The order is fixed: each step draws from the stream in turn.
  const extra = extraDataVolumes(ctx, out);
  const idleKubernetesNodes = idleNodes(ctx, network, out);
  const expiring = expiringInstances(ctx, network, out);
  const untagged = untaggedInstances(ctx, network, out);
  const io1Volumes = oversizedIo1(ctx, network, out);
  const leftovers = unattachedVolumes(ctx, out);
  return {
    idleKubernetesNodes,
    expiringInstances: expiring,
    untaggedInstances: untagged,
    io1Volumes,
    unattachedVolumes: leftovers.unattached,
    extraDataVolumes: extra,
    expiringVolumes: leftovers.expiring,
    snapshots: leftoverSnapshots(ctx, out),
    buckets: neglectedBuckets(ctx, services.buckets),
  };
}
