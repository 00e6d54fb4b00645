/**
 * EKS clusters of the demo estate: managed node groups (rotated once in the window) and Karpenter
 * nodes that come and go every few days, many of them spot.
 */
import { arn } from "./aws-ids.js";
import { addInstance } from "./estate-compute.js";
import type { Account, BuildContext, Ec2Estate, Network, UtilizationProfile } from "./estate-types.js";
import { managedTags } from "./teams.js";

const CLUSTERS = [
  {
    name: "prod-main",
    account: 0,
    region: "us-east-1",
    version: "1.30",
    nodegroups: [
      ["system", "m5.xlarge", 3],
      ["general", "m6i.2xlarge", 8],
    ],
    karpenterSlots: 12,
  },
  {
    name: "prod-eu",
    account: 0,
    region: "eu-west-1",
    version: "1.30",
    nodegroups: [
      ["system", "m5.xlarge", 3],
      ["general", "m6i.2xlarge", 4],
    ],
    karpenterSlots: 5,
  },
  {
    name: "staging-main",
    account: 1,
    region: "us-east-1",
    version: "1.29",
    nodegroups: [
      ["system", "m5.large", 3],
      ["general", "m5.xlarge", 3],
    ],
    karpenterSlots: 4,
  },
] as const;

const KARPENTER_TYPES = [
  "m5.xlarge",
  "m5.2xlarge",
  "c5.2xlarge",
  "m6i.xlarge",
  "c6i.2xlarge",
  "m7g.xlarge",
  "c7g.2xlarge",
  "r6i.xlarge",
];

/** EKS clusters, their managed node groups (rotated once in the window) and Karpenter's churning nodes. */
export function clusters(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): void {
  const { rng } = ctx;
  for (const spec of CLUSTERS) {
    const account = ctx.accounts[spec.account] as Account;
    const env = account.environment;
    const clusterArn = arn("eks", spec.region, account.id, `cluster/${spec.name}`);
    const createdAt = ctx.ago(rng.float(300, 700));
    out.eksClusters.push({
      id: spec.name,
      arn: clusterArn,
      billingId: clusterArn,
      resourceType: "eks:cluster",
      account: account.id,
      region: spec.region,
      team: "platform",
      tags: managedTags("platform", env),
      createdAt,
      deletedAt: null,
      name: spec.name,
      version: spec.version,
      // The managed node groups as EKS describes them (made with the cluster; Karpenter's nodes are not in one).
      nodegroups: spec.nodegroups.map(([name, instanceType, desiredSize]) => ({
        name,
        instanceType,
        desiredSize,
        createdAt,
      })),
    });
    const ownedBy = { [`kubernetes.io/cluster/${spec.name}`]: "owned" };
    const net = network(account, spec.region);
    for (const [nodegroup, type, size] of spec.nodegroups) {
      for (let n = 0; n < size; n++) {
        const current = rng.float(3, 40);
        const previous = rng.float(91, 200);
        for (const [launched, terminated] of [
          [previous, current],
          [current, null],
        ] as const) {
          addInstance(ctx, net, out, {
            account,
            region: spec.region,
            team: "platform",
            application: `eks/${spec.name}`,
            name: `${spec.name}-${nodegroup}`,
            instanceType: type,
            launchedDaysAgo: launched,
            terminatedDaysAgo: terminated,
            stoppedDaysAgo: null,
            schedule: "always",
            market: "on-demand",
            profile: rng.weighted([
              ["low", 0.4],
              ["busy", 0.6],
            ]),
            tags: {
              Name: `${spec.name}-${nodegroup}`,
              "eks:cluster-name": spec.name,
              "eks:nodegroup-name": nodegroup,
              ...ownedBy,
              "k8s.io/cluster-autoscaler/enabled": "true",
              ...managedTags("platform", env),
            },
            kubernetes: { cluster: spec.name, provisioner: "managed-nodegroup", pool: nodegroup },
            rootGb: 80,
            rootType: "gp3",
          });
        }
      }
    }
    for (let slot = 0; slot < spec.karpenterSlots; slot++) {
      const pool = slot < spec.karpenterSlots * 0.4 ? "spot-batch" : "default";
      let launched = rng.float(90, 110);
      for (;;) {
        const lifetime = Math.max(0.2, -Math.log(1 - rng.next()) * 14);
        const end = launched - lifetime;
        const spot = pool === "spot-batch" || rng.chance(0.3);
        const type = rng.pick(KARPENTER_TYPES);
        const ip = `10-${rng.int(0, 255)}-${rng.int(0, 255)}-${rng.int(1, 254)}`;
        const hostname =
          spec.region === "us-east-1" ? `ip-${ip}.ec2.internal` : `ip-${ip}.${spec.region}.compute.internal`;
        const claim = `${pool}-${rng.alnum(5).toLowerCase()}`;
        const profile = rng.weighted<UtilizationProfile>([
          ["low", 0.3],
          ["busy", 0.7],
        ]);
        if (end < 90) {
          addInstance(ctx, net, out, {
            account,
            region: spec.region,
            team: "platform",
            application: `eks/${spec.name}`,
            name: hostname,
            instanceType: type,
            launchedDaysAgo: launched,
            terminatedDaysAgo: end > 0 ? end : null,
            stoppedDaysAgo: null,
            schedule: "always",
            market: spot ? "spot" : "on-demand",
            profile,
            tags: {
              Name: hostname,
              "karpenter.sh/nodepool": pool,
              "karpenter.sh/nodeclaim": claim,
              "karpenter.k8s.aws/ec2nodeclass": "default",
              "eks:eks-cluster-name": spec.name,
              ...ownedBy,
              team: "platform",
              environment: env,
            },
            kubernetes: { cluster: spec.name, provisioner: "karpenter", pool },
            rootGb: 100,
            rootType: "gp3",
          });
        }
        if (end <= 0) break;
        launched = end - 0.02;
      }
    }
  }
}
