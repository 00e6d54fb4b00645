/**
 * Placed waste among the estate's instances (see estate-waste.ts): idle Kubernetes nodes, short-lived
 * instances past (and a few not yet past) their `expires-at` or `ttl` tag, and untagged instances
 * launched by hand. Each step draws from the placed waste's own random stream, in estate-waste.ts's order.
 */
import { addInstance } from "./estate-compute.js";
import type { Account, BuildContext, Ec2Estate, Network, UtilizationProfile } from "./estate-types.js";
import { DAY_MS } from "./lifecycle.js";
import { managedTags } from "./teams.js";

/** Kubernetes nodes that run but do nothing: a forgotten node group, and Karpenter nodes never consolidated. */
export function idleNodes(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): number {
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
export function expiringInstances(
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
export function untaggedInstances(
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
