/**
 * The rest of the demo estate: S3 buckets, RDS instances, Lambda functions and CloudWatch log groups
 * here; load balancers (estate-load-balancers.ts); KMS keys, Route 53 zones and usage billed per account
 * and region (estate-account-services.ts). The generators run in a fixed order from one stream.
 */

import type {
  Account,
  Bucket,
  BuildContext,
  DbInstance,
  LambdaFunction,
  LogGroup,
  Services,
  UtilizationProfile,
} from "./estate.js";
import { hostedZones, kmsKeys, regionalUsage } from "./estate-account-services.js";
import { logUniform, perEnvironment, round } from "./estate-draw.js";
import { loadBalancers } from "./estate-load-balancers.js";
import { ownershipTags, TEAMS } from "./teams.js";

export function buildServices(ctx: BuildContext): Services {
  const functions = lambdaFunctions(ctx);
  return {
    buckets: buckets(ctx),
    databases: databases(ctx),
    loadBalancers: loadBalancers(ctx),
    functions,
    logGroups: logGroups(ctx, functions),
    kmsKeys: kmsKeys(ctx),
    hostedZones: hostedZones(ctx),
    regionalUsage: regionalUsage(ctx),
  };
}

const OBJECTS_PER_GB: Record<string, number> = {
  logs: 4000,
  artifacts: 50,
  backups: 5,
  assets: 2000,
  exports: 200,
  tmp: 1000,
  "data-lake": 300,
};

function buckets(ctx: BuildContext): Bucket[] {
  const { rng } = ctx;
  const out: Bucket[] = [];
  for (const team of TEAMS) {
    for (const account of ctx.accounts) {
      const count = perEnvironment(account, {
        production: rng.int(1, 3),
        staging: rng.int(0, 2),
        sandbox: rng.int(0, 1),
      });
      for (let n = 0; n < count; n++) {
        const lake = team.name === "data" && account.name === "prod" && n === 0;
        const purpose = lake
          ? "data-lake"
          : rng.pick(["logs", "artifacts", "backups", "assets", "exports", "tmp"]);
        const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
        const name = `northwind-${team.name}-${purpose}-${account.name}${region === "eu-west-1" ? "-eu" : ""}-${rng.hex(4)}`;
        const sizeGb = lake
          ? rng.float(40_000, 70_000)
          : Math.min(25_000, Math.max(0.5, logUniform(rng, 0.5, 20_000)));
        const expiring = ["logs", "tmp", "backups", "exports"].includes(purpose);
        const lifecycleRules = rng.chance(expiring ? 0.45 : 0.7) ? rng.int(1, 3) : 0;
        const growth = lifecycleRules
          ? rng.float(0, 0.001)
          : purpose === "logs"
            ? rng.float(0.004, 0.012)
            : rng.float(0.0005, 0.004);
        out.push({
          id: name,
          arn: `arn:aws:s3:::${name}`,
          billingId: name,
          resourceType: "s3:bucket",
          account: account.id,
          region,
          team: team.name,
          tags: ownershipTags(rng, team.name, account.environment, 0.9),
          createdAt: ctx.ago(rng.chance(0.05) ? rng.float(10, 80) : rng.float(100, 2000)),
          deletedAt: null,
          purpose,
          lifecycleRules,
          versioning: rng.chance(0.35),
          storageGbAtStart: round(sizeGb),
          growthGbPerDay: round(sizeGb * growth),
          objectsPerGb: OBJECTS_PER_GB[purpose] ?? 100,
          infrequentAccessShare: lifecycleRules && purpose !== "tmp" ? round(rng.float(0.2, 0.6), 2) : 0,
          requests: {
            getPerDay: Math.round(logUniform(rng, 1_000, 5_000_000)),
            putPerDay: Math.round(logUniform(rng, 100, 1_000_000)),
          },
          multipartUploads: [],
        });
      }
    }
  }
  return out;
}

type DbPlan = [account: number, region: string, instanceClass: string, multiAz: boolean, storageGb: number];

const DATABASES: [team: string, name: string, engine: DbInstance["engine"], DbPlan[]][] = [
  [
    "payments",
    "ledger-db",
    "postgres",
    [
      [0, "us-east-1", "db.r6g.xlarge", true, 800],
      [1, "us-east-1", "db.t3.large", false, 200],
    ],
  ],
  [
    "checkout",
    "orders-db",
    "mysql",
    [
      [0, "us-east-1", "db.m5.xlarge", true, 500],
      [1, "us-east-1", "db.t3.medium", false, 100],
    ],
  ],
  [
    "identity",
    "auth-db",
    "postgres",
    [
      [0, "us-east-1", "db.r5.large", true, 300],
      [0, "eu-west-1", "db.r5.large", true, 300],
      [1, "us-east-1", "db.t3.medium", false, 100],
    ],
  ],
  ["growth", "experiments-db", "mysql", [[0, "us-east-1", "db.m5.large", false, 200]]],
  [
    "web",
    "cms-db",
    "mysql",
    [
      [0, "us-east-1", "db.t3.large", true, 200],
      [1, "us-east-1", "db.t3.medium", false, 50],
    ],
  ],
  ["data", "warehouse-staging", "postgres", [[0, "us-east-1", "db.r5.2xlarge", false, 2000]]],
  [
    "search",
    "catalog-db",
    "postgres",
    [
      [0, "us-east-1", "db.m5.large", true, 300],
      [2, "us-east-1", "db.t3.medium", false, 100],
    ],
  ],
  [
    "ml",
    "feature-db",
    "postgres",
    [
      [0, "us-east-1", "db.r5.large", false, 500],
      [2, "us-east-1", "db.m5.large", false, 200],
    ],
  ],
  ["mobile", "prefs-db", "postgres", [[0, "eu-west-1", "db.t3.medium", false, 100]]],
];

function databases(ctx: BuildContext): DbInstance[] {
  const { rng } = ctx;
  const out: DbInstance[] = [];
  for (const [team, name, engine, plans] of DATABASES) {
    for (const [accountIndex, region, instanceClass, multiAz, storageGb] of plans) {
      const account = ctx.accounts[accountIndex] as Account;
      const identifier = `${name}-${account.name}${region === "eu-west-1" ? "-eu" : ""}`;
      const profile = perEnvironment<UtilizationProfile>(account, {
        production: rng.chance(0.75) ? "busy" : "low",
        staging: "low",
        sandbox: "idle",
      });
      const cpu = { idle: rng.float(0.5, 1.5), low: rng.float(2, 9), busy: rng.float(20, 60) }[profile];
      const dbArn = `arn:aws:rds:${region}:${account.id}:db:${identifier}`;
      out.push({
        id: identifier,
        arn: dbArn,
        billingId: dbArn,
        resourceType: "rds:db",
        account: account.id,
        region,
        team,
        tags: ownershipTags(rng, team, account.environment, 1.1),
        createdAt: ctx.ago(account.name === "sandbox" ? rng.float(100, 300) : rng.float(300, 1500)),
        deletedAt: null,
        dbiResourceId: `db-${rng.alnum(26)}`,
        engine,
        engineVersion: engine === "postgres" ? rng.pick(["14.12", "15.7", "16.3"]) : "8.0.36",
        instanceClass,
        multiAz,
        storageType: rng.chance(0.5) ? "gp3" : "gp2",
        allocatedStorageGb: storageGb,
        utilization: {
          profile,
          cpuMeanPercent: round(cpu, 1),
          cpuMaxPercent: round(Math.min(100, cpu * rng.float(1.5, 2.5) + 2), 1),
          connectionsMean: profile === "idle" ? 0 : Math.round(rng.float(5, profile === "busy" ? 400 : 40)),
        },
      });
    }
  }
  return out;
}

const VERBS = [
  "process-events",
  "resize",
  "notify",
  "sync",
  "cleanup",
  "export",
  "webhook",
  "scheduler",
  "authorizer",
];

function lambdaFunctions(ctx: BuildContext): LambdaFunction[] {
  const { rng } = ctx;
  const out: LambdaFunction[] = [];
  for (const team of TEAMS) {
    for (const account of ctx.accounts) {
      const count = perEnvironment(account, {
        production: rng.int(2, 6),
        staging: rng.int(1, 3),
        sandbox: rng.int(0, 1),
      });
      const used = new Set<string>();
      for (let n = 0; n < count; n++) {
        let verb = rng.pick(VERBS);
        while (used.has(verb)) verb = `${verb}-${n}`;
        used.add(verb);
        const name = `${team.name}-${verb}${account.name === "prod" ? "" : `-${account.name}`}`;
        const region = rng.chance(0.8) ? "us-east-1" : "eu-west-1";
        const fnArn = `arn:aws:lambda:${region}:${account.id}:function:${name}`;
        out.push({
          id: name,
          arn: fnArn,
          billingId: fnArn,
          resourceType: "lambda:function",
          account: account.id,
          region,
          team: team.name,
          tags: ownershipTags(rng, team.name, account.environment, 0.9),
          createdAt: ctx.ago(rng.float(95, 900)),
          deletedAt: null,
          name,
          runtime: rng.pick(["nodejs20.x", "python3.12", "java21", "provided.al2023"]),
          memoryMb: rng.pick([128, 256, 512, 1024, 2048]),
          invocationsPerDay: Math.round(
            perEnvironment(account, {
              production: logUniform(rng, 50, 1_500_000),
              staging: logUniform(rng, 5, 20_000),
              sandbox: logUniform(rng, 1, 500),
            }),
          ),
          averageDurationMs: Math.round(logUniform(rng, 15, 1200)),
        });
      }
    }
  }
  return out;
}

function logGroups(ctx: BuildContext, functions: LambdaFunction[]): LogGroup[] {
  const { rng } = ctx;
  const out: LogGroup[] = [];
  const push = (g: {
    name: string;
    account: Account;
    region: string;
    team: string;
    ingestGbPerDay: number;
  }) => {
    const retentionDays = rng.chance(0.55) ? null : rng.pick([14, 30, 90]);
    const ingest = round(g.ingestGbPerDay, 6);
    out.push({
      id: g.name,
      arn: `arn:aws:logs:${g.region}:${g.account.id}:log-group:${g.name}`,
      billingId: `arn:aws:logs:${g.region}:${g.account.id}:log-group:${g.name}`,
      resourceType: "logs:log-group",
      account: g.account.id,
      region: g.region,
      team: g.team,
      tags: rng.chance(0.5) ? ownershipTags(rng, g.team, g.account.environment, 0.8) : {},
      createdAt: ctx.ago(rng.float(95, 900)),
      deletedAt: null,
      name: g.name,
      retentionDays,
      ingestGbPerDay: ingest,
      storedGbAtStart: round(ingest * 0.15 * (retentionDays ?? rng.float(100, 600)), 4),
    });
  };
  for (const fn of functions) {
    const account = ctx.accounts.find((a) => a.id === fn.account) as Account;
    if (account.name === "sandbox") continue;
    push({
      name: `/aws/lambda/${fn.name}`,
      account,
      region: fn.region,
      team: fn.team ?? "platform",
      ingestGbPerDay: (fn.invocationsPerDay * rng.float(0.3, 3)) / 1_000_000,
    });
  }
  const prod = ctx.accounts[0] as Account;
  for (const team of TEAMS) {
    for (const app of team.apps) {
      push({
        name: `/northwind/${prod.name}/${app.name}`,
        account: prod,
        region: rng.chance(0.75) ? "us-east-1" : "eu-west-1",
        team: team.name,
        ingestGbPerDay: rng.float(0.2, 8),
      });
    }
  }
  return out;
}
