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
 */
import { arn, awsId, ZONES } from "./aws-ids.js";
import { addInstance } from "./estate-compute.js";
import type {
  Account,
  Bucket,
  BuildContext,
  Ec2Estate,
  Estate,
  Network,
  Resource,
  Services,
  UtilizationProfile,
  Volume,
} from "./estate-types.js";
import { addressAssociatedAt, DAY_MS, existsAt, volumeStateAt } from "./lifecycle.js";
import type { Random } from "./random.js";
import { managedTags, ownershipTags, TEAMS } from "./teams.js";

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
function extraDataVolumes(ctx: BuildContext, out: Ec2Estate): number {
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

/** Kubernetes nodes that run but do nothing: a forgotten node group, and Karpenter nodes never consolidated. */
function idleNodes(ctx: BuildContext, network: (a: Account, r: string) => Network, out: Ec2Estate): number {
  const { rng } = ctx;
  let added = 0;
  const staging = ctx.accounts[1] as Account;
  const cluster = "staging-main";
  for (let n = 0; n < 3; n++) {
    addInstance(ctx, network(staging, "us-east-1"), out, {
      account: staging,
      region: "us-east-1",
      team: "platform",
      application: `eks/${cluster}`,
      name: `${cluster}-legacy-workers`,
      instanceType: "m5.xlarge",
      launchedDaysAgo: rng.float(60, 150),
      terminatedDaysAgo: null,
      stoppedDaysAgo: null,
      schedule: "always",
      market: "on-demand",
      profile: "idle",
      tags: {
        Name: `${cluster}-legacy-workers`,
        "eks:cluster-name": cluster,
        "eks:nodegroup-name": "legacy-workers",
        [`kubernetes.io/cluster/${cluster}`]: "owned",
        "k8s.io/cluster-autoscaler/enabled": "true",
        ...managedTags("platform", staging.environment),
      },
      kubernetes: { cluster, provisioner: "managed-nodegroup", pool: "legacy-workers" },
      rootGb: 80,
      rootType: "gp3",
    });
    added++;
  }
  const prod = ctx.accounts[0] as Account;
  const prodCluster = "prod-main";
  for (let n = 0; n < 2; n++) {
    const ip = `10-${rng.int(0, 255)}-${rng.int(0, 255)}-${rng.int(1, 254)}`;
    const hostname = `ip-${ip}.ec2.internal`;
    addInstance(ctx, network(prod, "us-east-1"), out, {
      account: prod,
      region: "us-east-1",
      team: "platform",
      application: `eks/${prodCluster}`,
      name: hostname,
      instanceType: rng.pick(["m5.2xlarge", "c6i.2xlarge"]),
      launchedDaysAgo: rng.float(8, 25),
      terminatedDaysAgo: null,
      stoppedDaysAgo: null,
      schedule: "always",
      market: "on-demand",
      profile: "idle",
      tags: {
        Name: hostname,
        "karpenter.sh/nodepool": "reserved-capacity",
        "karpenter.sh/nodeclaim": `reserved-capacity-${rng.alnum(5).toLowerCase()}`,
        "karpenter.k8s.aws/ec2nodeclass": "default",
        "eks:eks-cluster-name": prodCluster,
        [`kubernetes.io/cluster/${prodCluster}`]: "owned",
        team: "platform",
        environment: prod.environment,
      },
      kubernetes: { cluster: prodCluster, provisioner: "karpenter", pool: "reserved-capacity" },
      rootGb: 100,
      rootType: "gp3",
    });
    added++;
  }
  return added;
}

interface ExpiringPlan {
  name: string;
  team: string;
  launched: number;
  /** [tag key, tag value]: the value from the launch day when a function. */
  tag: ["expires-at" | "ttl", (launchedIso: string) => string];
  stopped?: number;
  profile: UtilizationProfile;
}

/** Days after an ISO time, as an ISO time (with the time) or an ISO date. */
const later = (iso: string, days: number, dateOnly = false) => {
  const text = new Date(Date.parse(iso) + days * DAY_MS).toISOString();
  return dateOnly ? text.slice(0, 10) : `${text.slice(0, 19)}Z`;
};

/**
 * Short-lived sandbox and staging instances: four past their `expires-at` (one of them stopped), three
 * past their `ttl`; and one of each that is not yet due.
 */
function expiringInstances(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): number {
  const plans: ExpiringPlan[] = [
    {
      name: "poc-vector-search",
      team: "search",
      launched: 41,
      tag: ["expires-at", (t) => later(t, 14, true)],
      profile: "idle",
    },
    {
      name: "load-test-runner",
      team: "checkout",
      launched: 26,
      tag: ["expires-at", (t) => later(t, 7)],
      profile: "low",
    },
    {
      name: "hackweek-llm-demo",
      team: "ml",
      launched: 63,
      tag: ["expires-at", (t) => later(t, 5, true)],
      profile: "idle",
    },
    {
      name: "migration-rehearsal",
      team: "payments",
      launched: 52,
      tag: ["expires-at", (t) => later(t, 10)],
      stopped: 38,
      profile: "low",
    },
    { name: "feature-flag-spike", team: "growth", launched: 3, tag: ["ttl", () => "36h"], profile: "idle" },
    { name: "perf-baseline", team: "web", launched: 12, tag: ["ttl", () => "7d"], profile: "low" },
    { name: "debug-kafka-lag", team: "data", launched: 10, tag: ["ttl", () => "72h"], profile: "idle" },
    // Not due yet: an expiry date ahead, a ttl not elapsed.
    {
      name: "customer-demo-env",
      team: "mobile",
      launched: 6,
      tag: ["expires-at", (t) => later(t, 30, true)],
      profile: "low",
    },
    { name: "canary-analysis", team: "identity", launched: 5, tag: ["ttl", () => "30d"], profile: "low" },
  ];
  const { rng } = ctx;
  for (const [index, plan] of plans.entries()) {
    const account = ctx.accounts[index % 3 === 1 ? 1 : 2] as Account;
    const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
    const createdAt = ctx.ago(plan.launched);
    const [key, value] = plan.tag;
    const suffix = account.name === "prod" ? "" : `-${account.name}`;
    addInstance(ctx, network(account, region), out, {
      account,
      region,
      team: plan.team,
      application: plan.name,
      name: `${plan.name}${suffix}`,
      instanceType: rng.pick(["t3.large", "m5.xlarge", "c5.2xlarge", "m6i.2xlarge"]),
      launchedDaysAgo: plan.launched,
      terminatedDaysAgo: null,
      stoppedDaysAgo: plan.stopped ?? null,
      schedule: "always",
      market: "on-demand",
      profile: plan.profile,
      tags: {
        Name: `${plan.name}${suffix}`,
        team: plan.team,
        environment: account.environment,
        [key]: value(createdAt),
      },
      kubernetes: null,
      rootGb: rng.pick([30, 50, 100]),
      rootType: rng.chance(0.5) ? "gp2" : "gp3",
    });
  }
  return plans.length;
}

/** Instances launched by hand from the console, with no tags at all: nobody knows whose they are. */
function untaggedInstances(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): number {
  const { rng } = ctx;
  const sandbox = ctx.accounts[2] as Account;
  const plans = [
    { launched: rng.float(40, 200), stopped: null, profile: "idle" as const },
    { launched: rng.float(120, 300), stopped: rng.float(45, 90), profile: "low" as const },
  ];
  for (const plan of plans) {
    addInstance(ctx, network(sandbox, "us-east-1"), out, {
      account: sandbox,
      region: "us-east-1",
      team: "",
      application: "launch-wizard",
      name: "",
      instanceType: rng.pick(["t3.xlarge", "m5.large"]),
      launchedDaysAgo: plan.launched,
      terminatedDaysAgo: null,
      stoppedDaysAgo: plan.stopped,
      schedule: "always",
      market: "on-demand",
      profile: plan.profile,
      tags: {},
      kubernetes: null,
      rootGb: 30,
      rootType: "gp2",
    });
  }
  // Nobody owns them: the team is unknown, not "".
  for (const instance of out.instances.slice(-plans.length)) {
    instance.team = null;
    for (const volume of out.volumes) if (instance.volumeIds.includes(volume.id)) volume.team = null;
  }
  return plans.length;
}

/** Provisioned-IOPS volumes far bigger and faster than what their quiet instances use. */
function oversizedIo1(
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
function unattachedVolumes(ctx: BuildContext, out: Ec2Estate): { unattached: number; expiring: number } {
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
function leftoverSnapshots(ctx: BuildContext, out: Ec2Estate): number {
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
function neglectedBuckets(ctx: BuildContext, buckets: Bucket[]): number {
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
    };
    buckets.push(bucket);
  }
  return plans.length;
}

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
  };
}
