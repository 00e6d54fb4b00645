/**
 * The demo estate's waste as the waste rules should find it: an oracle computed from the estate's
 * records alone (not from the store), which the demo's tests compare with the findings of a replay.
 */
import type { Estate, Resource } from "./estate-types.js";
import { serviceWasteCounts } from "./estate-waste-counts-services.js";
import { addressAssociatedAt, DAY_MS, existsAt, volumeStateAt } from "./lifecycle.js";

/** Days (possibly fractional) in a `ttl` tag such as "36h", "7d" or "2w"; null when it is not one. */
export function ttlDays(ttl: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([hdw])$/.exec(ttl.trim());
  if (!match) return null;
  const value = Number(match[1]);
  return match[2] === "h" ? value / 24 : match[2] === "w" ? value * 7 : value;
}

/** Whether a resource's `expires-at` date or its `ttl` since creation has passed at `ms`. */
export function expiredAt(resource: Resource, ms: number): boolean {
  const expires = resource.tags["expires-at"];
  if (expires !== undefined && Date.parse(expires) <= ms) return true;
  const ttl = resource.tags.ttl === undefined ? null : ttlDays(resource.tags.ttl);
  return ttl !== null && Date.parse(resource.createdAt) + ttl * DAY_MS <= ms;
}

/**
 * The waste of the estate at an instant (its anchor by default), per kind, as the waste rules should
 * find it from the inventory and utilization the demo's replay folder holds.
 */
export function wasteCounts(
  estate: Estate,
  ms = Date.parse(`${estate.anchor}T00:00:00Z`),
): Record<string, number> {
  const live = <R extends Resource>(records: R[]) => records.filter((r) => existsAt(r, ms));
  const instances = live(estate.instances);
  const running = instances.filter((i) => i.stoppedAt === null || Date.parse(i.stoppedAt) > ms);
  const volumes = live(estate.volumes);
  const volumeIds = new Set(volumes.map((v) => v.id));
  const available = volumes.filter((v) => volumeStateAt(v, ms) === "available");
  const snapshots = live(estate.snapshots);
  // A snapshot behind a registered AMI cannot be deleted: neither snapshot rule flags it.
  const deletableSnapshots = snapshots.filter((s) => s.imageId === null);
  const days = (iso: string | null) => (iso === null ? 0 : (ms - Date.parse(iso)) / DAY_MS);
  const everything = [
    ...instances,
    ...volumes,
    ...snapshots,
    ...live(estate.elasticIps),
    ...live(estate.natGateways),
    ...live(estate.buckets),
  ];
  return {
    idleInstances: running.filter((i) => !i.kubernetes && i.utilization.profile === "idle").length,
    stoppedOver30Days: instances.filter((i) => i.stoppedAt !== null && days(i.stoppedAt) > 30).length,
    idleKubernetesNodes: running.filter((i) => i.kubernetes && i.utilization.profile === "idle").length,
    unattachedVolumes7Days: available.filter((v) => days(v.detachedAt ?? v.createdAt) >= 7).length,
    unattachedVolumesRecent: available.filter((v) => days(v.detachedAt ?? v.createdAt) < 7).length,
    gp2Volumes: volumes.filter((v) => v.volumeType === "gp2").length,
    io1Volumes: volumes.filter((v) => v.volumeType === "io1").length,
    snapshotsOver90Days: deletableSnapshots.filter((s) => days(s.createdAt) > 90).length,
    orphanedSnapshotsOver30Days: deletableSnapshots.filter(
      (s) => !volumeIds.has(s.volumeId) && days(s.createdAt) > 30,
    ).length,
    unassociatedElasticIps: live(estate.elasticIps).filter((a) => !addressAssociatedAt(a, ms)).length,
    idleNatGateways: live(estate.natGateways).filter((n) => n.traffic.bytesOutToDestinationPerDay === 0)
      .length,
    bucketsWithoutLifecycle: live(estate.buckets).filter((b) => b.lifecycleRules === 0).length,
    withoutTeamTag: everything.filter((r) => !(r.tags.team ?? r.tags.Team)).length,
    expired: everything.filter((r) => expiredAt(r, ms)).length,
    expiresAtPast: everything.filter((r) => r.tags["expires-at"] !== undefined && expiredAt(r, ms)).length,
    ttlElapsed: everything.filter((r) => r.tags.ttl !== undefined && expiredAt(r, ms)).length,
    expiringNotYetDue: everything.filter(
      (r) => (r.tags["expires-at"] ?? r.tags.ttl) !== undefined && !expiredAt(r, ms),
    ).length,
    ...serviceWasteCounts(estate, ms),
  };
}
