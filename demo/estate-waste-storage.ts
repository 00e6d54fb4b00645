/**
 * Placed waste among the estate's volumes, snapshots and buckets (see estate-waste.ts): extra gp2 data
 * volumes, oversized io1 volumes on quiet instances, volumes left unattached, snapshots of volumes that
 * are gone, buckets without lifecycle rules. Each step draws from the placed waste's own random stream,
 * in estate-waste.ts's order.
 */
import { arn, awsId, ZONES } from "./aws-ids.js";
import { addInstance } from "./estate-compute.js";
import type {
  Account,
  Bucket,
  BuildContext,
  Ec2Estate,
  Network,
  UtilizationProfile,
  Volume,
} from "./estate-types.js";
import { DAY_MS } from "./lifecycle.js";
import type { Random } from "./random.js";
import { managedTags, ownershipTags, TEAMS } from "./teams.js";

function ioFor(rng: Random, profile: UtilizationProfile): Volume["io"] {
  const [low, high] = { idle: [1, 60], low: [1_000, 20_000], busy: [20_000, 500_000] }[profile];
  return {
    readOpsPerHour: Math.round(rng.float(low ?? 0, high ?? 0)),
    writeOpsPerHour: Math.round(rng.float(low ?? 0, high ?? 0) * 1.5),
  };
}

function pushVolume(
  ctx: BuildContext,
  out: Ec2Estate,
  v: Omit<Volume, "id" | "arn" | "billingId" | "resourceType">,
): Volume {
  const id = awsId(ctx.rng, "vol");
  const volume: Volume = {
    id,
    arn: arn("ec2", v.region, v.account, `volume/${id}`),
    billingId: id,
    resourceType: "ec2:volume",
    ...v,
  };
  out.volumes.push(volume);
  return volume;
}

/**
 * A second disk on about one plain instance in seven (scratch space, a cache, an old data disk), often
 * gp2; some are deleted with their instance, the others outlive it, unattached.
 */
export function extraDataVolumes(ctx: BuildContext, out: Ec2Estate): number {
  const { rng } = ctx;
  let added = 0;
  for (const instance of [...out.instances]) {
    if (instance.kubernetes || instance.instanceType.startsWith("g4dn") || !rng.chance(0.14)) continue;
    const volumeType = rng.weighted<Volume["volumeType"]>([
      ["gp2", 0.45],
      ["gp3", 0.5],
      ["st1", 0.05],
    ]);
    const sizeGb = volumeType === "st1" ? rng.pick([500, 1000]) : rng.pick([20, 50, 100, 200, 500]);
    const scratch = rng.chance(0.5);
    const terminated = instance.deletedAt;
    const cleanedUp = terminated !== null && !scratch && rng.chance(0.3);
    const terminatedMs = terminated === null ? 0 : Date.parse(terminated);
    const deletedAt =
      terminated === null
        ? null
        : scratch
          ? terminated
          : cleanedUp
            ? isoFloorHour(Math.min(ctx.anchorMs - 3_600_000, terminatedMs + rng.float(1, 10) * DAY_MS))
            : null;
    const volume = pushVolume(ctx, out, {
      account: instance.account,
      region: instance.region,
      team: instance.team,
      tags: { ...instance.tags, Name: `${instance.name}-${scratch ? "scratch" : "data-extra"}` },
      createdAt: instance.createdAt,
      deletedAt,
      volumeType,
      sizeGb,
      iops: volumeType === "gp3" ? 3000 : volumeType === "gp2" ? Math.max(100, sizeGb * 3) : null,
      throughputMBps: volumeType === "gp3" ? 125 : volumeType === "st1" ? 40 : null,
      availabilityZone: instance.availabilityZone,
      attachment: { instanceId: instance.id, device: "/dev/sdj", deleteOnTermination: scratch },
      detachedAt: scratch ? null : terminated,
      io: ioFor(rng, instance.utilization.profile),
    });
    instance.volumeIds.push(volume.id);
    added++;
  }
  return added;
}

function isoFloorHour(ms: number): string {
  return `${new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString().slice(0, 19)}Z`;
}

/** Provisioned-IOPS volumes far bigger and faster than what their quiet instances use. */
export function oversizedIo1(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): number {
  const { rng } = ctx;
  const hosts: {
    account: Account;
    team: string;
    name: string;
    profile: UtilizationProfile;
    disks: number[][];
  }[] = [
    {
      account: ctx.accounts[0] as Account,
      team: "data",
      name: "reporting-db",
      profile: "low",
      disks: [
        [1000, 16000],
        [1000, 16000],
      ],
    },
    {
      account: ctx.accounts[1] as Account,
      team: "payments",
      name: "ledger-replay-staging",
      profile: "idle",
      disks: [[2000, 10000]],
    },
    {
      account: ctx.accounts[0] as Account,
      team: "search",
      name: "legacy-solr",
      profile: "low",
      disks: [[500, 12000]],
    },
  ];
  let added = 0;
  for (const host of hosts) {
    const instance = addInstance(ctx, network(host.account, "us-east-1"), out, {
      account: host.account,
      region: "us-east-1",
      team: host.team,
      application: host.name,
      name: host.name,
      instanceType: rng.pick(["r5.xlarge", "r5.2xlarge"]),
      launchedDaysAgo: rng.float(200, 700),
      terminatedDaysAgo: null,
      stoppedDaysAgo: null,
      schedule: "always",
      market: "on-demand",
      profile: host.profile,
      tags: { Name: host.name, application: host.name, ...managedTags(host.team, host.account.environment) },
      kubernetes: null,
      rootGb: 50,
      rootType: "gp3",
    });
    for (const [index, [sizeGb = 1000, iops = 10000]] of host.disks.entries()) {
      const volume = pushVolume(ctx, out, {
        account: instance.account,
        region: instance.region,
        team: instance.team,
        tags: { ...instance.tags, Name: `${instance.name}-data-${index + 1}` },
        createdAt: instance.createdAt,
        deletedAt: null,
        volumeType: "io1",
        sizeGb,
        iops,
        throughputMBps: null,
        availabilityZone: instance.availabilityZone,
        attachment: {
          instanceId: instance.id,
          device: `/dev/sd${"fg"[index] ?? "h"}`,
          deleteOnTermination: false,
        },
        detachedAt: null,
        // A few operations a second against thousands provisioned.
        io: {
          readOpsPerHour: Math.round(rng.float(2_000, 30_000)),
          writeOpsPerHour: Math.round(rng.float(2_000, 20_000)),
        },
      });
      instance.volumeIds.push(volume.id);
      added++;
    }
  }
  return added;
}

/**
 * Volumes attached to nothing: old ones nobody deleted (mostly gp2), a few made this week (not yet
 * waste), two deleted in the window, and scratch volumes with an `expires-at` or `ttl` tag that passed.
 */
export function unattachedVolumes(
  ctx: BuildContext,
  out: Ec2Estate,
): { unattached: number; expiring: number } {
  const { rng } = ctx;
  const plans: { created: number; deleted: number | null; extra: Record<string, string> }[] = [];
  for (let n = 0; n < 14; n++) plans.push({ created: rng.float(8, 400), deleted: null, extra: {} });
  for (let n = 0; n < 3; n++) plans.push({ created: rng.float(1, 5), deleted: null, extra: {} });
  for (let n = 0; n < 2; n++)
    plans.push({ created: rng.float(30, 200), deleted: rng.float(2, 25), extra: {} });
  const expiring: { created: number; extra: Record<string, string> }[] = [
    { created: 45, extra: { "expires-at": ctx.ago(15).slice(0, 10) } },
    { created: 20, extra: { "expires-at": ctx.ago(4) } },
    { created: 16, extra: { ttl: "7d" } },
  ];
  for (const e of expiring) plans.push({ ...e, deleted: null });
  for (const plan of plans) {
    const account = rng.pick(ctx.accounts);
    const region = rng.chance(0.7) ? "us-east-1" : "eu-west-1";
    const team = rng.chance(0.2) ? null : rng.pick(TEAMS).name;
    const volumeType = rng.weighted<Volume["volumeType"]>([
      ["gp2", 0.65],
      ["gp3", 0.35],
    ]);
    const sizeGb = rng.pick([20, 50, 100, 200, 500]);
    pushVolume(ctx, out, {
      account: account.id,
      region,
      team,
      tags: { ...ownershipTags(rng, team, account.environment, 0.7), ...plan.extra },
      createdAt: ctx.ago(plan.created),
      deletedAt: plan.deleted === null ? null : ctx.ago(plan.deleted),
      volumeType,
      sizeGb,
      iops: volumeType === "gp3" ? 3000 : Math.max(100, sizeGb * 3),
      throughputMBps: volumeType === "gp3" ? 125 : null,
      availabilityZone: `${region}${rng.pick(ZONES)}`,
      attachment: null,
      detachedAt: null,
      io: { readOpsPerHour: 0, writeOpsPerHour: 0 },
    });
  }
  return { unattached: plans.length - expiring.length, expiring: expiring.length };
}

/**
 * Snapshots of volumes deleted in the window (orphaned, more than 30 days old), and pre-migration
 * snapshots with an `expires-at` or `ttl` tag that passed.
 */
export function leftoverSnapshots(ctx: BuildContext, out: Ec2Estate): number {
  const { rng } = ctx;
  const deleted = out.volumes.filter(
    (v) => v.deletedAt !== null && (ctx.anchorMs - Date.parse(v.createdAt)) / DAY_MS > 60,
  );
  const plans: { volume: Volume; created: number; orphaned: boolean; extra: Record<string, string> }[] = [];
  for (let n = 0; n < 3 && deleted.length > 0; n++) {
    const volume = rng.pick(deleted);
    const gone = (ctx.anchorMs - Date.parse(volume.deletedAt ?? "")) / DAY_MS;
    plans.push({ volume, created: Math.max(gone + 1, rng.float(35, 60)), orphaned: true, extra: {} });
  }
  const live = out.volumes.filter(
    (v) =>
      v.deletedAt === null && v.attachment !== null && (ctx.anchorMs - Date.parse(v.createdAt)) / DAY_MS > 60,
  );
  const tags: Record<string, string>[] = [
    { "expires-at": ctx.ago(20).slice(0, 10) },
    { "expires-at": ctx.ago(9) },
    { ttl: "14d" },
  ];
  for (const extra of tags)
    plans.push({ volume: rng.pick(live), created: rng.float(25, 55), orphaned: false, extra });
  for (const plan of plans) {
    const { volume } = plan;
    const id = awsId(rng, "snap");
    const snapshotArn = arn("ec2", volume.region, volume.account, `snapshot/${id}`);
    const created = Math.min(plan.created, (ctx.anchorMs - Date.parse(volume.createdAt)) / DAY_MS - 0.5);
    out.snapshots.push({
      id,
      arn: snapshotArn,
      billingId: snapshotArn,
      resourceType: "ec2:snapshot",
      account: volume.account,
      region: volume.region,
      team: volume.team,
      tags: { ...volume.tags, ...plan.extra },
      createdAt: ctx.ago(created),
      deletedAt: null,
      volumeId: volume.id,
      volumeSizeGb: volume.sizeGb,
      storedGb: Math.max(1, Math.round(volume.sizeGb * rng.float(0.3, 0.7))),
      description: plan.orphaned ? `before deleting ${volume.id}` : `pre-migration copy of ${volume.id}`,
      orphaned: plan.orphaned,
      imageId: null,
    });
  }
  return plans.length;
}

/**
 * Buckets made for a project and left behind: none has lifecycle rules but three, two have no tags at
 * all, and three carry an `expires-at` or `ttl` that passed.
 */
export function neglectedBuckets(ctx: BuildContext, buckets: Bucket[]): number {
  const { rng } = ctx;
  const plans: { team: string; purpose: string; tags: "owned" | "none"; extra: Record<string, string> }[] = [
    {
      team: "growth",
      purpose: "campaign-assets",
      tags: "owned",
      extra: { "expires-at": ctx.ago(40).slice(0, 10) },
    },
    { team: "data", purpose: "migration-staging", tags: "owned", extra: { "expires-at": ctx.ago(12) } },
    { team: "ml", purpose: "experiment-outputs", tags: "owned", extra: { ttl: "30d" } },
    { team: "checkout", purpose: "load-test-results", tags: "owned", extra: {} },
    { team: "platform", purpose: "tmp", tags: "owned", extra: {} },
    { team: "search", purpose: "reindex-dumps", tags: "owned", extra: {} },
    { team: "web", purpose: "exports", tags: "owned", extra: {} },
    { team: "security", purpose: "scan-reports", tags: "owned", extra: {} },
    { team: "observability", purpose: "logs", tags: "owned", extra: {} },
    { team: "mobile", purpose: "crash-dumps", tags: "owned", extra: {} },
    { team: "identity", purpose: "scratch", tags: "none", extra: {} },
    { team: "payments", purpose: "poc", tags: "none", extra: {} },
  ];
  const withRules = new Set(["security", "observability", "mobile"]);
  for (const plan of plans) {
    const account = rng.pick(ctx.accounts);
    const region = rng.chance(0.7) ? "us-east-1" : "eu-west-1";
    const name = `northwind-${plan.team}-${plan.purpose}-${account.name}${region === "eu-west-1" ? "-eu" : ""}-${rng.hex(4)}`;
    const sizeGb = Math.round(Math.exp(rng.float(Math.log(2), Math.log(8000))) * 1000) / 1000;
    const lifecycleRules = withRules.has(plan.team) ? rng.int(1, 2) : 0;
    const created = plan.extra.ttl
      ? rng.float(45, 80)
      : plan.extra["expires-at"]
        ? rng.float(60, 200)
        : rng.float(100, 1200);
    const bucket: Bucket = {
      id: name,
      arn: `arn:aws:s3:::${name}`,
      billingId: name,
      resourceType: "s3:bucket",
      account: account.id,
      region,
      team: plan.tags === "none" ? null : plan.team,
      tags:
        plan.tags === "none"
          ? {}
          : { ...ownershipTags(rng, plan.team, account.environment, 1.2), ...plan.extra },
      createdAt: ctx.ago(created),
      deletedAt: null,
      purpose: plan.purpose,
      lifecycleRules,
      versioning: rng.chance(0.3),
      storageGbAtStart: sizeGb,
      growthGbPerDay: Math.round(sizeGb * (lifecycleRules ? 0.0005 : rng.float(0.001, 0.006)) * 1000) / 1000,
      objectsPerGb: rng.pick([5, 50, 200, 1000]),
      infrequentAccessShare: lifecycleRules ? Math.round(rng.float(0.2, 0.5) * 100) / 100 : 0,
      requests: { getPerDay: rng.int(10, 20_000), putPerDay: rng.int(1, 5_000) },
      multipartUploads: [],
    };
    buckets.push(bucket);
  }
  return plans.length;
}
