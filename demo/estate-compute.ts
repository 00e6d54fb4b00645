/**
 * EC2 instances of the demo estate (the teams' own, previous generations included) with their EBS
 * volumes, and the Savings Plan that covers some of them. Every random choice is drawn in a fixed
 * order, so a seed always gives the same records.
 */
import { arn, awsId, ZONES } from "./aws-ids.js";
import type {
  Account,
  BuildContext,
  Ec2Estate,
  Instance,
  Network,
  SavingsPlan,
  UtilizationProfile,
  Volume,
} from "./estate-types.js";
import { DAY_MS, WINDOW_DAYS } from "./lifecycle.js";
import { INSTANCE_TYPES, instanceHourly, PREVIOUS_GENERATION, SAVINGS_PLAN_RATE } from "./prices.js";
import type { Random } from "./random.js";
import { FAMILIES, ownershipTags, TEAMS, type Workload } from "./teams.js";

interface InstancePlan {
  account: Account;
  region: string;
  team: string;
  application: string;
  name: string;
  instanceType: string;
  launchedDaysAgo: number;
  terminatedDaysAgo: number | null;
  stoppedDaysAgo: number | null;
  schedule: Instance["schedule"];
  market: Instance["market"];
  profile: UtilizationProfile;
  tags: Record<string, string>;
  kubernetes: Instance["kubernetes"];
  rootGb: number;
  rootType: "gp2" | "gp3";
}

const PROFILE_WEIGHTS: Record<Account["environment"], [UtilizationProfile, number][]> = {
  production: [
    ["idle", 0.05],
    ["low", 0.4],
    ["busy", 0.55],
  ],
  staging: [
    ["idle", 0.15],
    ["low", 0.65],
    ["busy", 0.2],
  ],
  sandbox: [
    ["idle", 0.35],
    ["low", 0.5],
    ["busy", 0.15],
  ],
};

const HYGIENE: Record<Account["environment"], number> = { production: 1, staging: 0.9, sandbox: 0.7 };

export function plainInstances(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): void {
  const { rng } = ctx;
  for (const team of TEAMS) {
    for (const app of team.apps) {
      for (const account of ctx.accounts) {
        const env = account.environment;
        const count =
          app.workload === "gpu"
            ? { production: 2, staging: 0, sandbox: 1 }[env]
            : env === "production"
              ? rng.int(4, 10)
              : env === "staging"
                ? rng.int(2, 5)
                : rng.int(0, 3);
        const home = rng.chance(0.7) ? "us-east-1" : "eu-west-1";
        for (let n = 1; n <= count; n++) {
          const region = rng.chance(0.2) ? (home === "us-east-1" ? "eu-west-1" : "us-east-1") : home;
          const launched = rng.chance(0.13) ? rng.float(1, 89) : 91 + 1300 * rng.next() ** 2;
          const terminated = rng.chance(0.09) ? rng.float(0.25, Math.min(launched, 89.5) - 0.25) : null;
          const stopChance = { production: 0.03, staging: 0.12, sandbox: 0.25 }[env];
          const stopped =
            terminated === null && rng.chance(stopChance)
              ? launched > 120 && rng.chance(0.6)
                ? rng.float(95, Math.min(launched - 1, 500))
                : rng.float(0.5, Math.min(launched, 89) - 0.25)
              : null;
          const scheduled =
            stopped === null && terminated === null && rng.chance(env === "staging" ? 0.25 : 0.08);
          const spot =
            (app.workload === "batch" && env !== "production" && rng.chance(0.35)) ||
            (env === "sandbox" && rng.chance(0.08));
          const suffix = account.name === "prod" ? "" : `-${account.name}`;
          const name = `${app.name}${suffix}-${n}`;
          const instance = addInstance(ctx, network(account, region), out, {
            account,
            region,
            team: team.name,
            application: app.name,
            name,
            instanceType: instanceType(rng, app.workload, launched),
            launchedDaysAgo: launched,
            terminatedDaysAgo: terminated,
            stoppedDaysAgo: stopped,
            schedule: scheduled ? "weekdays" : "always",
            market: spot ? "spot" : "on-demand",
            profile: rng.weighted(PROFILE_WEIGHTS[env]),
            tags: { Name: name, application: app.name, ...ownershipTags(rng, team.name, env, HYGIENE[env]) },
            kubernetes: null,
            rootGb: app.workload === "gpu" ? 200 : rng.pick([8, 20, 30, 50, 100]),
            rootType: launched > 700 && rng.chance(0.7) ? "gp2" : rng.chance(0.85) ? "gp3" : "gp2",
          });
          const dataVolumes = app.workload === "stateful" ? rng.int(1, 2) : rng.chance(0.15) ? 1 : 0;
          for (let d = 0; d < dataVolumes; d++) {
            addDataVolume(ctx, out, instance, app.workload === "stateful", terminated, d);
          }
        }
      }
    }
  }
}

function instanceType(rng: Random, workload: Workload, launchedDaysAgo: number): string {
  const type = rng.pick(FAMILIES[workload]);
  if (launchedDaysAgo > 600 && rng.chance(0.65)) {
    const [family = "", size = ""] = type.split(".");
    const previous = `${PREVIOUS_GENERATION[family] ?? family}.${size}`;
    if (INSTANCE_TYPES[previous]) return previous;
  }
  return type;
}

function utilization(rng: Random, profile: UtilizationProfile): Instance["utilization"] {
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const mb = 1_000_000;
  if (profile === "idle") {
    const mean = round1(rng.float(0.2, 2.5));
    return {
      profile,
      cpuMeanPercent: mean,
      // Idle means below 5% even at its busiest (the same draw as before, capped: the stream is unchanged).
      cpuMaxPercent: round1(Math.min(4.8, mean + rng.float(0.5, 3.5))),
      // Idle traffic is a few MB a day at most (health checks, agents): the same draws, scaled down.
      networkInBytesPerHour: Math.round((rng.float(0.05, 2) * mb) / 20),
      networkOutBytesPerHour: Math.round((rng.float(0.02, 1) * mb) / 20),
    };
  }
  if (profile === "low") {
    const mean = round1(rng.float(3, 14));
    return {
      profile,
      cpuMeanPercent: mean,
      cpuMaxPercent: round1(Math.min(100, mean + rng.float(10, 35))),
      networkInBytesPerHour: Math.round(rng.float(5, 200) * mb),
      networkOutBytesPerHour: Math.round(rng.float(2, 120) * mb),
    };
  }
  const mean = round1(rng.float(25, 70));
  return {
    profile,
    cpuMeanPercent: mean,
    cpuMaxPercent: round1(Math.min(100, mean + rng.float(15, 40))),
    networkInBytesPerHour: Math.round(rng.float(50, 3_000) * mb),
    networkOutBytesPerHour: Math.round(rng.float(30, 2_000) * mb),
  };
}

function ioProfile(rng: Random, profile: UtilizationProfile): Volume["io"] {
  const [low, high] = { idle: [1, 60], low: [1_000, 20_000], busy: [20_000, 500_000] }[profile];
  return {
    readOpsPerHour: Math.round(rng.float(low ?? 0, high ?? 0)),
    writeOpsPerHour: Math.round(rng.float(low ?? 0, high ?? 0) * 1.5),
  };
}

export function addInstance(ctx: BuildContext, net: Network, out: Ec2Estate, plan: InstancePlan): Instance {
  const { rng } = ctx;
  const id = awsId(rng, "i");
  const zone = rng.pick(ZONES);
  const spotPriceRatio = plan.market === "spot" ? Math.round(rng.float(0.28, 0.45) * 1000) / 1000 : null;
  const instance: Instance = {
    id,
    arn: arn("ec2", plan.region, plan.account.id, `instance/${id}`),
    billingId: id,
    resourceType: "ec2:instance",
    account: plan.account.id,
    region: plan.region,
    team: plan.team,
    tags: plan.tags,
    createdAt: ctx.ago(plan.launchedDaysAgo),
    deletedAt: plan.terminatedDaysAgo === null ? null : ctx.ago(plan.terminatedDaysAgo),
    name: plan.name,
    application: plan.application,
    instanceType: plan.instanceType,
    availabilityZone: `${plan.region}${zone}`,
    vpcId: net.vpcId,
    subnetId: net.subnets[zone] ?? "",
    imageId: awsId(rng, "ami"),
    platform: "Linux/UNIX",
    market: plan.market,
    spotPriceRatio,
    stoppedAt: plan.stoppedDaysAgo === null ? null : ctx.ago(plan.stoppedDaysAgo),
    schedule: plan.schedule,
    savingsPlanId: null,
    kubernetes: plan.kubernetes,
    utilization: utilization(rng, plan.profile),
    volumeIds: [],
  };
  out.instances.push(instance);
  const root = awsId(rng, "vol");
  instance.volumeIds.push(root);
  out.volumes.push({
    id: root,
    arn: arn("ec2", plan.region, plan.account.id, `volume/${root}`),
    billingId: root,
    resourceType: "ec2:volume",
    account: plan.account.id,
    region: plan.region,
    team: plan.team,
    tags: { ...plan.tags },
    createdAt: instance.createdAt,
    deletedAt: instance.deletedAt,
    volumeType: plan.rootType,
    sizeGb: plan.rootGb,
    iops: plan.rootType === "gp3" ? 3000 : Math.max(100, plan.rootGb * 3),
    throughputMBps: plan.rootType === "gp3" ? 125 : null,
    availabilityZone: instance.availabilityZone,
    attachment: { instanceId: id, device: "/dev/xvda", deleteOnTermination: true },
    detachedAt: null,
    io: ioProfile(rng, plan.profile),
  });
  return instance;
}

function addDataVolume(
  ctx: BuildContext,
  out: Ec2Estate,
  instance: Instance,
  stateful: boolean,
  terminatedDaysAgo: number | null,
  index: number,
): void {
  const { rng } = ctx;
  const production = ctx.accounts[0]?.id === instance.account;
  const volumeType: Volume["volumeType"] =
    stateful && production
      ? rng.weighted([
          ["gp3", 0.45],
          ["gp2", 0.3],
          ["io1", 0.12],
          ["io2", 0.13],
        ])
      : rng.weighted([
          ["gp3", 0.6],
          ["gp2", 0.35],
          ["st1", 0.05],
        ]);
  const sizeGb =
    volumeType === "st1"
      ? rng.pick([500, 1000, 2000])
      : rng.pick(stateful ? [200, 500, 1000, 2000] : [50, 100, 200, 500]);
  const provisioned = volumeType === "io1" || volumeType === "io2";
  const id = awsId(rng, "vol");
  // A data volume outlives its instance: sometimes someone deletes it a few days later, often nobody does.
  const cleanedUp = terminatedDaysAgo !== null && rng.chance(0.45);
  const deletedDaysAgo =
    cleanedUp && terminatedDaysAgo !== null ? terminatedDaysAgo * rng.float(0.1, 0.7) : null;
  instance.volumeIds.push(id);
  out.volumes.push({
    id,
    arn: arn("ec2", instance.region, instance.account, `volume/${id}`),
    billingId: id,
    resourceType: "ec2:volume",
    account: instance.account,
    region: instance.region,
    team: instance.team,
    tags: { ...instance.tags, Name: `${instance.name}-data-${index + 1}` },
    createdAt: instance.createdAt,
    deletedAt: deletedDaysAgo === null ? null : ctx.ago(deletedDaysAgo),
    volumeType,
    sizeGb,
    iops: provisioned
      ? rng.pick([3000, 5000, 10000])
      : volumeType === "gp3"
        ? 3000
        : volumeType === "gp2"
          ? Math.max(100, sizeGb * 3)
          : null,
    throughputMBps: volumeType === "gp3" ? 125 : volumeType === "st1" ? 40 : null,
    availabilityZone: instance.availabilityZone,
    attachment: {
      instanceId: instance.id,
      device: `/dev/sd${"fgh"[index] ?? "f"}`,
      deleteOnTermination: false,
    },
    detachedAt: instance.deletedAt,
    io: ioProfile(rng, instance.utilization.profile),
  });
}

/**
 * A Compute Savings Plan in the production account covering a couple of dozen steady instances: their
 * hours cost the plan's rate, and the commitment is a little larger than they use.
 */
export function savingsPlan(ctx: BuildContext, instances: Instance[]): SavingsPlan {
  const { rng } = ctx;
  const prod = ctx.accounts[0] as Account;
  const windowStart = ctx.anchorMs - WINDOW_DAYS * DAY_MS;
  const id = rng.uuid();
  const covered = instances
    .filter(
      (i) =>
        i.account === prod.id &&
        i.region === "us-east-1" &&
        i.market === "on-demand" &&
        i.kubernetes?.provisioner !== "karpenter" &&
        i.deletedAt === null &&
        i.stoppedAt === null &&
        i.schedule === "always" &&
        Date.parse(i.createdAt) < windowStart &&
        /^(m5|c5|r5|m6i|c6i)\./.test(i.instanceType),
    )
    .slice(0, 24);
  let hourly = 0;
  for (const instance of covered) {
    instance.savingsPlanId = id;
    hourly += instanceHourly(instance.instanceType, instance.region) * SAVINGS_PLAN_RATE;
  }
  return {
    id,
    arn: `arn:aws:savingsplans::${prod.id}:savingsplan/${id}`,
    account: prod.id,
    name: "compute-sp-1yr-no-upfront",
    type: "Compute Savings Plans",
    hourlyCommitment: Math.ceil(hourly * 1.04 * 100) / 100,
    rate: SAVINGS_PLAN_RATE,
    startAt: ctx.ago(200),
    endAt: ctx.ago(200 - 365),
  };
}
