/**
 * The waste of issue 16's rule kinds in the demo estate, as those rules should find it with their
 * default parameters: an oracle from the records alone (see estate-waste-counts.ts), one count per kind.
 */
import { imageInUse, UNUSED_IMAGE_MIN_AGE_DAYS } from "./estate-images.js";
import type { Estate, Resource } from "./estate-types.js";
import { DAY_MS, existsAt, instanceStateAt, logStoredGb } from "./lifecycle.js";
import { INSTANCE_TYPES } from "./prices.js";

/** Days of data the idle and rightsizing rules need before they judge (their `minDataDays` defaults). */
const IDLE_DAYS = 7;
const STALE_LOG_DAYS = 30;
const EMPTY_CLUSTER_DAYS = 7;
const MULTIPART_DAYS = 7;
const MAX_USED_PERCENT = 10;
const MAX_CPU_PERCENT = 40;
const NONPROD = new Set(["staging", "sandbox", "stg", "sbx"]);
const SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"];

export function serviceWasteCounts(estate: Estate, ms: number): Record<string, number> {
  const live = <R extends Resource>(records: R[]) => records.filter((r) => existsAt(r, ms));
  const age = (r: { createdAt: string }) => (ms - Date.parse(r.createdAt)) / DAY_MS;
  const databases = live(estate.databases);
  const environment = (r: Resource) => r.tags.environment ?? r.tags.Environment ?? r.tags.env ?? "";
  const instances = live(estate.instances);
  const templates = estate.launchTemplates.filter((t) => Date.parse(t.createdAt) <= ms);
  const anchorIndex = Math.round((ms - Date.parse(`${estate.windowStart}T00:00:00Z`)) / DAY_MS);
  return {
    idleRdsInstances: databases.filter((d) => d.utilization.connectionsMean === 0 && age(d) >= IDLE_DAYS)
      .length,
    rdsPreviousGeneration: databases.filter((d) => /^db\.(m4|r4|t2)\./.test(d.instanceClass)).length,
    rdsGp2Storage: databases.filter((d) => d.storageType === "gp2").length,
    rdsMultiAzNonprod: databases.filter((d) => d.multiAz && NONPROD.has(environment(d))).length,
    idleLoadBalancers: live(estate.loadBalancers).filter(
      (lb) =>
        (lb.kind === "classic"
          ? lb.classicInstances.length === 0
          : lb.targetGroups.every((g) => g.targets.length === 0)) ||
        (lb.requestsPerHour === 0 && lb.lcuPerHour === 0),
    ).length,
    logGroupsNoRetention: live(estate.logGroups).filter(
      (g) => g.retentionDays === null && logStoredGb(g, anchorIndex) > 0,
    ).length,
    staleLogGroups: live(estate.logGroups).filter(
      (g) => g.ingestGbPerDay === 0 && age(g) >= STALE_LOG_DAYS && logStoredGb(g, anchorIndex) > 0,
    ).length,
    idleDynamoTables: live(estate.dynamoTables).filter(
      (t) =>
        t.billingMode === "PROVISIONED" &&
        t.consumedReadUnitsPerDay < (t.readCapacityUnits * 86_400 * MAX_USED_PERCENT) / 100 &&
        t.consumedWriteUnitsPerDay < (t.writeCapacityUnits * 86_400 * MAX_USED_PERCENT) / 100,
    ).length,
    ecrWithoutLifecycle: live(estate.ecrRepositories).filter((r) => r.lifecyclePolicy === null).length,
    unusedImages: live(estate.images).filter(
      (i) => age(i) > UNUSED_IMAGE_MIN_AGE_DAYS && !imageInUse(i, instances, templates, ms),
    ).length,
    idleCacheClusters: live(estate.cacheClusters).filter((c) => c.connectionsMax === 0 && age(c) >= IDLE_DAYS)
      .length,
    idleRedshiftClusters: live(estate.redshiftClusters).filter(
      (c) => c.connectionsMax === 0 && age(c) >= IDLE_DAYS,
    ).length,
    emptyEksClusters: live(estate.eksClusters).filter(
      (c) =>
        age(c) >= EMPTY_CLUSTER_DAYS &&
        c.nodegroups.every((g) => g.desiredSize === 0) &&
        !instances.some((i) => i.kubernetes?.cluster === c.name),
    ).length,
    // Running for the whole lookback, at least xlarge, peak under 40%, with a smaller size to move to.
    oversizedInstances: instances.filter((i) => {
      const [family, size = ""] = i.instanceType.split(".");
      const smaller = SIZES.slice(0, SIZES.indexOf(size)).some((s) => INSTANCE_TYPES[`${family}.${s}`]);
      return (
        !i.kubernetes &&
        i.schedule === "always" &&
        instanceStateAt(i, ms) === "running" &&
        age(i) >= IDLE_DAYS &&
        SIZES.indexOf(size) >= SIZES.indexOf("xlarge") &&
        smaller &&
        i.utilization.cpuMaxPercent < MAX_CPU_PERCENT
      );
    }).length,
    bucketsWithOldMultipartUploads: live(estate.buckets).filter((b) =>
      b.multipartUploads.some((u) => ms - Date.parse(u.initiated) > MULTIPART_DAYS * DAY_MS),
    ).length,
  };
}
