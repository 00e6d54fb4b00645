/** VPCs, NAT gateways (one of them idle) and Elastic IPs (some associated with nothing) of the demo estate. */
import { arn, awsId, ZONES } from "./aws-ids.js";
import type { Account, BuildContext, Ec2Estate, ElasticIp, Network } from "./estate-types.js";
import type { Random } from "./random.js";
import { leftoverOwner, managedTags, ownershipTags } from "./teams.js";

/** One VPC per account and region, with a subnet per zone. */
export function networks(ctx: BuildContext): (account: Account, region: string) => Network {
  const byKey = new Map<string, Network>();
  for (const account of ctx.accounts) {
    for (const region of ctx.regions) {
      const subnets = Object.fromEntries(ZONES.map((z) => [z, awsId(ctx.rng, "subnet")]));
      byKey.set(`${account.id}/${region}`, { vpcId: awsId(ctx.rng, "vpc"), subnets });
    }
  }
  return (account, region) => byKey.get(`${account.id}/${region}`) as Network;
}

const NAT_PLAN = [
  { account: 0, region: "us-east-1", zone: "a", gbPerDay: [250, 450] },
  { account: 0, region: "us-east-1", zone: "b", gbPerDay: [150, 300] },
  { account: 0, region: "eu-west-1", zone: "a", gbPerDay: [80, 160] },
  { account: 1, region: "us-east-1", zone: "a", gbPerDay: [20, 40] },
  { account: 1, region: "eu-west-1", zone: "a", gbPerDay: [0.005, 0.02] },
  { account: 2, region: "us-east-1", zone: "a", gbPerDay: [4, 12] },
] as const;

export function natGateways(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  out: Ec2Estate,
): void {
  const { rng } = ctx;
  for (const plan of NAT_PLAN) {
    const account = ctx.accounts[plan.account] as Account;
    const net = network(account, plan.region);
    const id = awsId(rng, "nat");
    const natArn = arn("ec2", plan.region, account.id, `natgateway/${id}`);
    const drawn = rng.float(plan.gbPerDay[0], plan.gbPerDay[1]);
    const idle = plan.gbPerDay[1] < 1;
    // An idle gateway sends nothing at all (the draw is still made, so the stream is unchanged).
    const gb = idle ? 0 : drawn;
    out.natGateways.push({
      id,
      arn: natArn,
      billingId: natArn,
      resourceType: "ec2:nat-gateway",
      account: account.id,
      region: plan.region,
      team: "platform",
      tags: {
        Name: `${account.name}-${plan.region}${plan.zone}-nat`,
        ...managedTags("platform", account.environment),
      },
      createdAt: ctx.ago(rng.float(200, 900)),
      deletedAt: null,
      vpcId: net.vpcId,
      subnetId: net.subnets[plan.zone] ?? "",
      availabilityZone: `${plan.region}${plan.zone}`,
      allocationId: awsId(rng, "eipalloc"),
      traffic: {
        bytesOutToDestinationPerDay: Math.round(gb * 0.4 * 1e9),
        bytesInFromDestinationPerDay: Math.round(gb * 0.6 * 1e9),
      },
      idle,
    });
  }
}

function publicIp(rng: Random, region: string): string {
  const first = rng.pick(region === "us-east-1" ? [3, 18, 34, 44, 52, 54] : [34, 52, 54, 63]);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Elastic IPs: one per NAT gateway, some on instances (kept after termination), some never associated. */
export function addresses(ctx: BuildContext, out: Ec2Estate): void {
  const { rng } = ctx;
  const push = (a: Omit<ElasticIp, "arn" | "billingId" | "resourceType" | "publicIp">) => {
    const addressArn = arn("ec2", a.region, a.account, `elastic-ip/${a.id}`);
    out.elasticIps.push({
      ...a,
      arn: addressArn,
      billingId: addressArn,
      resourceType: "ec2:elastic-ip",
      publicIp: publicIp(rng, a.region),
    });
  };
  for (const nat of out.natGateways) {
    push({
      id: nat.allocationId,
      account: nat.account,
      region: nat.region,
      team: nat.team,
      tags: { ...nat.tags },
      createdAt: nat.createdAt,
      deletedAt: null,
      association: { instanceId: null, natGatewayId: nat.id, associationId: awsId(rng, "eipassoc") },
      disassociatedAt: null,
    });
  }
  const sandbox = ctx.accounts[2]?.id;
  for (const instance of out.instances) {
    const edge = ["ingress", "bastion", "vault"].includes(instance.application);
    if (!(edge || (instance.application.includes("web") && rng.chance(0.1)))) continue;
    if (instance.account === sandbox && !rng.chance(0.3)) continue;
    const released = instance.deletedAt !== null && rng.chance(0.5);
    push({
      id: awsId(rng, "eipalloc"),
      account: instance.account,
      region: instance.region,
      team: instance.team,
      tags: { Name: `${instance.name}-eip`, ...(instance.tags.team ? { team: instance.tags.team } : {}) },
      createdAt: instance.createdAt,
      deletedAt: released ? instance.deletedAt : null,
      association: { instanceId: instance.id, natGatewayId: null, associationId: awsId(rng, "eipassoc") },
      disassociatedAt: released ? null : instance.deletedAt,
    });
  }
  for (let n = 0; n < 11; n++) {
    const account = rng.weighted<Account>(
      ctx.accounts.map((a, i) => [a, [0.25, 0.35, 0.4][i] ?? 0.3] as [Account, number]),
    );
    const region = rng.chance(0.7) ? "us-east-1" : "eu-west-1";
    const team = leftoverOwner(rng, 0.3);
    const created = rng.float(20, 700);
    const released = n < 2 ? rng.float(1, Math.min(created - 1, 80)) : null;
    push({
      id: awsId(rng, "eipalloc"),
      account: account.id,
      region,
      team,
      tags: ownershipTags(rng, team, account.environment, 0.6),
      createdAt: ctx.ago(created),
      deletedAt: released === null ? null : ctx.ago(released),
      association: null,
      disassociatedAt: null,
    });
  }
}
