/** KMS keys, Route 53 zones and usage billed per account and region (data transfer, custom metrics). */
import { logUniform, round } from "./estate-draw.js";
import type { Account, BuildContext, HostedZone, KmsKey, RegionalUsage } from "./estate-types.js";
import { managedTags, ownershipTags, TEAMS } from "./teams.js";

export function kmsKeys(ctx: BuildContext): KmsKey[] {
  const { rng } = ctx;
  const out: KmsKey[] = [];
  for (const team of TEAMS) {
    for (const account of ctx.accounts.slice(0, 2)) {
      const count = account.name === "prod" ? rng.int(1, 2) : rng.int(0, 1);
      for (let n = 0; n < count; n++) {
        const id = rng.uuid();
        const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
        const keyArn = `arn:aws:kms:${region}:${account.id}:key/${id}`;
        out.push({
          id,
          arn: keyArn,
          billingId: keyArn,
          resourceType: "kms:key",
          account: account.id,
          region,
          team: team.name,
          tags: ownershipTags(rng, team.name, account.environment, 1),
          createdAt: ctx.ago(rng.float(95, 1500)),
          deletedAt: null,
          requestsPerDay: Math.round(logUniform(rng, 500, 2_000_000)),
        });
      }
    }
  }
  return out;
}

const ZONES: [domain: string, account: number, team: string, privateZone: boolean, queries: number][] = [
  ["northwind.com", 0, "platform", false, 30_000_000],
  ["northwind.io", 0, "platform", false, 1_500_000],
  ["status.northwind.com", 0, "observability", false, 120_000],
  ["northwind-staging.com", 1, "platform", false, 90_000],
  ["summer-sale-2021.com", 0, "growth", false, 150],
  ["prod.internal", 0, "platform", true, 8_000_000],
  ["staging.internal", 1, "platform", true, 400_000],
  ["sandbox.internal", 2, "platform", true, 20_000],
];

export function hostedZones(ctx: BuildContext): HostedZone[] {
  const { rng } = ctx;
  return ZONES.map(([domain, accountIndex, team, privateZone, queries]) => {
    const account = ctx.accounts[accountIndex] as Account;
    const id = `Z0${rng.alnum(19)}`;
    const zoneArn = `arn:aws:route53:::hostedzone/${id}`;
    return {
      id,
      arn: zoneArn,
      billingId: zoneArn,
      resourceType: "route53:hostedzone" as const,
      account: account.id,
      region: "global",
      team,
      tags: managedTags(team, account.environment),
      createdAt: ctx.ago(rng.float(200, 2000)),
      deletedAt: null,
      domain,
      privateZone,
      queriesPerDay: Math.round(queries * rng.float(0.8, 1.2)),
    };
  });
}

const REGIONAL: Record<
  Account["name"],
  [internet: number, interRegion: number, interAz: number, metrics: number][]
> = {
  prod: [
    [800, 150, 600, 4000],
    [200, 60, 150, 1200],
  ],
  staging: [
    [40, 5, 30, 800],
    [5, 1, 5, 100],
  ],
  sandbox: [
    [10, 0.5, 5, 150],
    [1, 0, 0.5, 20],
  ],
};

export function regionalUsage(ctx: BuildContext): RegionalUsage[] {
  const { rng } = ctx;
  const out: RegionalUsage[] = [];
  for (const account of ctx.accounts) {
    ctx.regions.forEach((region, i) => {
      const [internet = 0, interRegion = 0, interAz = 0, metrics = 0] = REGIONAL[account.name][i] ?? [];
      out.push({
        account: account.id,
        region,
        internetOutGbPerDay: round(internet * rng.float(0.8, 1.2)),
        interRegionOutGbPerDay: round(interRegion * rng.float(0.8, 1.2)),
        interAzGbPerDay: round(interAz * rng.float(0.8, 1.2)),
        customMetrics: Math.round(metrics * rng.float(0.8, 1.2)),
      });
    });
  }
  return out;
}
