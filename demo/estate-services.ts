/**
 * The rest of the demo estate: S3 buckets, RDS instances, load balancers, Lambda functions, CloudWatch
 * log groups, KMS keys, Route 53 zones, and usage billed per account and region (data transfer,
 * CloudWatch metrics).
 */
import type {
  Account,
  Bucket,
  BuildContext,
  DbInstance,
  HostedZone,
  KmsKey,
  LambdaFunction,
  LoadBalancer,
  LogGroup,
  RegionalUsage,
  Services,
  UtilizationProfile,
} from "./estate.js";
import type { Random } from "./random.js";
import { managedTags, ownershipTags, TEAMS } from "./teams.js";

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

/** A value spread evenly on a log scale between low and high. */
function logUniform(rng: Random, low: number, high: number): number {
  return Math.exp(rng.float(Math.log(low), Math.log(high)));
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function perEnvironment<T>(account: Account, values: Record<Account["environment"], T>): T {
  return values[account.environment];
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

function loadBalancers(ctx: BuildContext): LoadBalancer[] {
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
        });
      }
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

function kmsKeys(ctx: BuildContext): KmsKey[] {
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

function hostedZones(ctx: BuildContext): HostedZone[] {
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

function regionalUsage(ctx: BuildContext): RegionalUsage[] {
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
