/**
 * The demo estate's managed data services (issue 16): DynamoDB tables, ECR repositories, ElastiCache
 * and Redshift clusters. They are drawn from their own stream (`ctx.rng` is not the estate's main one),
 * after every older record, so the records and bill rows before them stay the same. The waste among
 * them that the rules should find is placed by estate-waste-services.ts.
 */
import { arn } from "./aws-ids.js";
import { hashedHex, logUniform, perEnvironment, round } from "./estate-draw.js";
import type {
  Account,
  BuildContext,
  CacheCluster,
  DynamoTable,
  EcrImage,
  EcrRepository,
  RedshiftCluster,
  UtilizationProfile,
} from "./estate-types.js";
import type { Random } from "./random.js";
import { managedTags, ownershipTags, TEAMS } from "./teams.js";

const TABLE_NOUNS = [
  "sessions",
  "events",
  "carts",
  "idempotency",
  "feature-flags",
  "jobs",
  "audit",
  "profiles",
];

/** A few tables per team in production, fewer in staging; most on demand, the rest provisioned. */
export function dynamoTables(ctx: BuildContext): DynamoTable[] {
  const { rng } = ctx;
  const out: DynamoTable[] = [];
  for (const team of TEAMS) {
    for (const account of ctx.accounts.slice(0, 2)) {
      const count = perEnvironment(account, {
        production: rng.int(0, 3),
        staging: rng.int(0, 1),
        sandbox: 0,
      });
      const used = new Set<string>();
      for (let n = 0; n < count; n++) {
        const noun = rng.pick(TABLE_NOUNS);
        const name = `${team.name}-${noun}-${account.name}`;
        if (used.has(name)) continue;
        used.add(name);
        const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
        const provisioned = rng.chance(0.4);
        const prod = account.name === "prod";
        const rcu = provisioned ? rng.pick(prod ? [100, 250, 500, 1000, 2000] : [5, 10, 25, 50]) : 0;
        const wcu = provisioned ? rng.pick(prod ? [50, 100, 250, 500] : [5, 10, 25]) : 0;
        // Provisioned tables here are sized for their load: a quarter to most of it is used.
        const share = rng.float(0.25, 0.85);
        out.push(
          table(ctx, {
            name,
            account,
            region,
            team: team.name,
            tags: ownershipTags(rng, team.name, account.environment, 1),
            createdDaysAgo: rng.float(95, 1200),
            provisioned: provisioned ? { rcu, wcu, share } : null,
            onDemand: {
              readsPerDay: Math.round(logUniform(rng, prod ? 1e5 : 1e3, prod ? 3e8 : 1e6)),
              writesPerDay: Math.round(logUniform(rng, prod ? 1e4 : 1e2, prod ? 5e7 : 1e5)),
            },
            sizeGb: round(logUniform(rng, 0.05, prod ? 400 : 5), 3),
          }),
        );
      }
    }
  }
  return out;
}

/** One table record; a provisioned table consumes `share` of its capacity, an on-demand one its requests. */
export function table(
  ctx: BuildContext,
  t: {
    name: string;
    account: Account;
    region: string;
    team: string;
    tags: Record<string, string>;
    createdDaysAgo: number;
    provisioned: { rcu: number; wcu: number; share: number } | null;
    onDemand: { readsPerDay: number; writesPerDay: number };
    sizeGb: number;
  },
): DynamoTable {
  const tableArn = arn("dynamodb", t.region, t.account.id, `table/${t.name}`);
  const p = t.provisioned;
  return {
    id: t.name,
    arn: tableArn,
    billingId: tableArn,
    resourceType: "dynamodb:table",
    account: t.account.id,
    region: t.region,
    team: t.team,
    tags: t.tags,
    createdAt: ctx.ago(t.createdDaysAgo),
    deletedAt: null,
    name: t.name,
    billingMode: p ? "PROVISIONED" : "PAY_PER_REQUEST",
    readCapacityUnits: p?.rcu ?? 0,
    writeCapacityUnits: p?.wcu ?? 0,
    sizeGb: t.sizeGb,
    itemCount: Math.round(t.sizeGb * 1_000_000),
    consumedReadUnitsPerDay: p ? Math.round(p.rcu * 86_400 * p.share) : t.onDemand.readsPerDay,
    consumedWriteUnitsPerDay: p ? Math.round(p.wcu * 86_400 * p.share) : t.onDemand.writesPerDay,
  };
}

/** One repository per service a team builds, in the production account; most expire old images. */
export function ecrRepositories(ctx: BuildContext): EcrRepository[] {
  const { rng } = ctx;
  const prod = ctx.accounts[0] as Account;
  const out: EcrRepository[] = [];
  for (const team of TEAMS) {
    for (const app of team.apps.slice(0, 2)) {
      if (!rng.chance(0.7)) continue;
      out.push(
        repository(ctx, {
          name: `${team.name}/${app.name}`,
          account: prod,
          team: team.name,
          tags: ownershipTags(rng, team.name, "production", 1),
          createdDaysAgo: rng.float(120, 1100),
          lifecycle: rng.chance(0.75),
          images: rng.int(4, 30),
        }),
      );
    }
  }
  return out;
}

const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: "keep the last 30 images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
      action: { type: "expire" },
    },
  ],
});

/** A repository and its images, pushed over its life (sizes and times drawn from `ctx.rng`). */
export function repository(
  ctx: BuildContext,
  r: {
    name: string;
    account: Account;
    team: string;
    tags: Record<string, string>;
    createdDaysAgo: number;
    lifecycle: boolean;
    images: number;
  },
): EcrRepository {
  const { rng } = ctx;
  const region = "us-east-1";
  const repoArn = arn("ecr", region, r.account.id, `repository/${r.name}`);
  const baseMb = rng.float(60, 900);
  const images: EcrImage[] = [];
  for (let n = 0; n < r.images; n++) {
    // Newest first: the last push a day or two ago, older ones spread back over the repository's life.
    const age = Math.min(r.createdDaysAgo - 0.5, 0.5 + n * rng.float(1, r.lifecycle ? 4 : 12));
    images.push({
      digest: `sha256:${hashedHex(`${repoArn}|image|${n}`, 64)}`,
      tags: n === 0 ? ["latest", `v${r.images - n}`] : [`v${r.images - n}`],
      sizeBytes: Math.round(baseMb * rng.float(0.9, 1.1) * 1024 ** 2),
      pushedAt: ctx.ago(Math.max(0.1, age)),
    });
  }
  return {
    id: r.name,
    arn: repoArn,
    billingId: repoArn,
    resourceType: "ecr:repository",
    account: r.account.id,
    region,
    team: r.team,
    tags: r.tags,
    createdAt: ctx.ago(r.createdDaysAgo),
    deletedAt: null,
    name: r.name,
    lifecyclePolicy: r.lifecycle ? LIFECYCLE_POLICY : null,
    images,
  };
}

/** Bytes of a repository's images pushed before the instant (ECR bills what it stores). */
export function repositoryBytesAt(repo: EcrRepository, ms: number): number {
  let bytes = 0;
  for (const image of repo.images) if (Date.parse(image.pushedAt) <= ms) bytes += image.sizeBytes;
  return bytes;
}

type CachePlan = [team: string, name: string, account: number, region: string, type: string, nodes: number];

const CACHES: CachePlan[] = [
  ["checkout", "cart-cache", 0, "us-east-1", "cache.r6g.large", 2],
  ["identity", "sessions", 0, "us-east-1", "cache.m6g.large", 2],
  ["search", "catalog-cache", 0, "eu-west-1", "cache.r6g.xlarge", 3],
  ["web", "cms-cache", 1, "us-east-1", "cache.t3.medium", 1],
  ["checkout", "cart-cache", 1, "us-east-1", "cache.t3.medium", 1],
];

/** Redis caches in front of the busiest services; staging keeps small copies. */
export function cacheClusters(ctx: BuildContext): CacheCluster[] {
  return CACHES.map(([team, name, accountIndex, region, type, nodes]) => {
    const account = ctx.accounts[accountIndex] as Account;
    return cacheCluster(ctx, {
      id: `${name}-${account.name}`,
      account,
      region,
      team,
      type,
      nodes,
      profile: account.name === "prod" ? "busy" : "low",
      createdDaysAgo: ctx.rng.float(150, 900),
    });
  });
}

export function cacheCluster(
  ctx: BuildContext,
  c: {
    id: string;
    account: Account;
    region: string;
    team: string;
    type: string;
    nodes: number;
    profile: UtilizationProfile;
    createdDaysAgo: number;
  },
): CacheCluster {
  const { rng } = ctx;
  const clusterArn = arn("elasticache", c.region, c.account.id, `cluster:${c.id}`);
  return {
    id: c.id,
    arn: clusterArn,
    billingId: clusterArn,
    resourceType: "elasticache:cluster",
    account: c.account.id,
    region: c.region,
    team: c.team,
    tags: managedTags(c.team, c.account.environment),
    createdAt: ctx.ago(c.createdDaysAgo),
    deletedAt: null,
    name: c.id,
    // Several nodes in one cache cluster is Memcached's shape (a Redis cluster of one node each).
    engine: c.nodes > 1 ? "memcached" : "redis",
    engineVersion: c.nodes > 1 ? "1.6.22" : "7.1.0",
    cacheNodeType: c.type,
    numCacheNodes: c.nodes,
    profile: c.profile,
    connectionsMax: connections(rng, c.profile, 2_000),
  };
}

function connections(rng: Random, profile: UtilizationProfile, busy: number): number {
  return profile === "idle"
    ? 0
    : Math.round(rng.float(profile === "busy" ? busy / 10 : 3, profile === "busy" ? busy : 40));
}

/** The data team's warehouse: one RA3 cluster in production. */
export function redshiftClusters(ctx: BuildContext): RedshiftCluster[] {
  const prod = ctx.accounts[0] as Account;
  return [
    redshiftCluster(ctx, {
      id: "analytics-prod",
      account: prod,
      team: "data",
      nodeType: "ra3.xlplus",
      nodes: 2,
      profile: "busy",
      createdDaysAgo: ctx.rng.float(400, 900),
    }),
  ];
}

export function redshiftCluster(
  ctx: BuildContext,
  c: {
    id: string;
    account: Account;
    team: string;
    nodeType: string;
    nodes: number;
    profile: UtilizationProfile;
    createdDaysAgo: number;
  },
): RedshiftCluster {
  const region = "us-east-1";
  const clusterArn = arn("redshift", region, c.account.id, `cluster:${c.id}`);
  return {
    id: c.id,
    arn: clusterArn,
    billingId: clusterArn,
    resourceType: "redshift:cluster",
    account: c.account.id,
    region,
    team: c.team,
    tags: managedTags(c.team, c.account.environment),
    createdAt: ctx.ago(c.createdDaysAgo),
    deletedAt: null,
    name: c.id,
    nodeType: c.nodeType,
    numberOfNodes: c.nodes,
    profile: c.profile,
    connectionsMax: connections(ctx.rng, c.profile, 120),
  };
}
