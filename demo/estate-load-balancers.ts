/**
 * The demo estate's load balancers (Application and Network, from the estate's sequential stream) and
 * the target groups the inventory reads of them. A target group and its targets are hashed from the
 * load balancer's ARN: they draw nothing, so the records and bill rows before them stay the same.
 */
import { hashedHex, perEnvironment, round } from "./estate-draw.js";
import type { BuildContext, LoadBalancer, TargetGroup } from "./estate-types.js";
import { hash32 } from "./random.js";
import { ownershipTags, TEAMS } from "./teams.js";

export function loadBalancers(ctx: BuildContext): LoadBalancer[] {
  const { rng } = ctx;
  const out: LoadBalancer[] = [];
  for (const team of TEAMS) {
    for (const app of team.apps) {
      if (!(app.workload === "web" || app.workload === "api" || app.name === "ingress")) continue;
      for (const account of ctx.accounts) {
        if (!rng.chance(perEnvironment(account, { production: 1, staging: 0.7, sandbox: 0.1 }))) continue;
        const kind =
          app.name === "ingress" || (app.workload === "api" && rng.chance(0.2)) ? "network" : "application";
        const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
        const name = `${app.name}-${account.name}`.slice(0, 32);
        const suffix = rng.hex(16);
        const lbArn = `arn:aws:elasticloadbalancing:${region}:${account.id}:loadbalancer/${kind === "application" ? "app" : "net"}/${name}/${suffix}`;
        const idle = rng.chance(perEnvironment(account, { production: 0.03, staging: 0.2, sandbox: 0.6 }));
        const lcu = idle ? 0 : account.name === "prod" ? rng.float(1, 25) : rng.float(0.05, 2);
        out.push({
          id: lbArn,
          arn: lbArn,
          billingId: lbArn,
          resourceType: "elasticloadbalancing:loadbalancer",
          account: account.id,
          region,
          team: team.name,
          tags: ownershipTags(rng, team.name, account.environment, 1),
          createdAt: ctx.ago(rng.float(95, 1200)),
          deletedAt: null,
          name,
          kind,
          dnsName:
            kind === "application"
              ? `${name}-${rng.int(100_000_000, 2_000_000_000)}.${region}.elb.amazonaws.com`
              : `${name}-${rng.hex(16)}.elb.${region}.amazonaws.com`,
          healthyTargets: idle ? 0 : rng.int(2, 12),
          lcuPerHour: round(lcu, 4),
          requestsPerHour: Math.round(lcu * rng.float(2_000, 10_000)),
          targetGroups: [],
          classicInstances: [],
        });
      }
    }
  }
  // Target groups draw nothing: they are hashed from each load balancer once its draws are done.
  for (const lb of out) lb.targetGroups = [targetGroupOf(lb, lb.healthyTargets)];
  return out;
}

/**
 * A v2 load balancer's one target group, with `targets` IP targets hashed from its ARN (none when the
 * load balancer serves nothing). Names are unique per account and region, as AWS requires.
 */
export function targetGroupOf(lb: { arn: string; name: string; kind: string }, targets: number): TargetGroup {
  const name = `${lb.name.slice(0, 24)}-${hashedHex(`${lb.arn}|tg`, 6)}`;
  const network = lb.kind === "network";
  return {
    name,
    arn: lb.arn.replace(
      /loadbalancer\/(app|net)\/.*$/,
      `targetgroup/${name}/${hashedHex(`${lb.arn}|tgarn`, 16)}`,
    ),
    protocol: network ? "TCP" : "HTTP",
    port: network ? 443 : 8080,
    targetType: "ip",
    targets: Array.from({ length: targets }, (_, i) => {
      const h = hash32(`${lb.arn}|target|${i}`);
      return `10.${(h >>> 24) & 63}.${(h >>> 16) & 255}.${((h >>> 8) & 255) % 254 || 1}`;
    }),
  };
}
