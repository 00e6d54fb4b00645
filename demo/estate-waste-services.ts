/**
 * Waste placed on purpose among the services issue 16 judges, so that each of its rule kinds has at
 * least one resource to find (estate-waste-counts.ts counts them): previous-generation, Multi-AZ
 * staging and idle RDS instances, load balancers with nothing registered (one classic), log groups
 * nobody writes to any more, an over-provisioned DynamoDB table, a repository that keeps every image,
 * an idle cache and warehouse, an EKS cluster with no nodes, an oversized instance, and incomplete
 * multipart uploads. Drawn from its own stream, after every other record: nothing before it changes.
 */
import { arn } from "./aws-ids.js";
import { addInstance } from "./estate-compute.js";
import { hashedHex, round } from "./estate-draw.js";
import { targetGroupOf } from "./estate-load-balancers.js";
import { cacheCluster, redshiftCluster, repository, table } from "./estate-managed.js";
import type {
  Account,
  BuildContext,
  DbInstance,
  Ec2Estate,
  LoadBalancer,
  LogGroup,
  ManagedServices,
  Network,
  Services,
} from "./estate-types.js";
import { DAY_MS, existsAt } from "./lifecycle.js";
import { managedTags } from "./teams.js";

/** Adds the services' placed waste; returns how many records each step added or changed. */
export function plantServiceWaste(
  ctx: BuildContext,
  network: (a: Account, r: string) => Network,
  ec2: Ec2Estate,
  services: Services,
  managed: ManagedServices,
): Record<string, number> {
  const [prod, staging, sandbox] = ctx.accounts as [Account, Account, Account];
  const { rng } = ctx;

  // RDS: a db.m4 on gp2 in production; a Multi-AZ db.r4 in staging; a db.t2 in the sandbox nobody connects to.
  const db = (
    team: string,
    name: string,
    account: Account,
    p: Partial<DbInstance>,
    cpu: number,
    conns: number,
  ) => {
    const dbArn = arn("rds", "us-east-1", account.id, `db:${name}`);
    services.databases.push({
      id: name,
      arn: dbArn,
      billingId: dbArn,
      resourceType: "rds:db",
      account: account.id,
      region: "us-east-1",
      team,
      tags: managedTags(team, account.environment),
      createdAt: ctx.ago(rng.float(700, 1800)),
      deletedAt: null,
      dbiResourceId: `db-${rng.alnum(26)}`,
      engine: "mysql",
      engineVersion: "5.7.44",
      instanceClass: "db.m4.large",
      multiAz: false,
      storageType: "gp2",
      allocatedStorageGb: 100,
      ...p,
      utilization: {
        profile: conns === 0 ? "idle" : cpu > 15 ? "busy" : "low",
        cpuMeanPercent: cpu,
        cpuMaxPercent: round(Math.min(100, cpu * 1.8 + 2), 1),
        connectionsMean: conns,
      },
    });
  };
  db("payments", "billing-legacy-db-prod", prod, { allocatedStorageGb: 400 }, 31.5, 120);
  db(
    "data",
    "reports-db-staging",
    staging,
    {
      instanceClass: "db.r4.large",
      engine: "postgres",
      engineVersion: "13.14",
      multiAz: true,
      storageType: "gp3",
    },
    4.2,
    6,
  );
  db("growth", "wiki-db-sandbox", sandbox, { instanceClass: "db.t2.medium", allocatedStorageGb: 20 }, 0.8, 0);

  // Load balancers: an ALB whose target group is empty, and two classic ones (one serving, one with no instances).
  const lb = (
    account: Account,
    team: string,
    name: string,
    kind: LoadBalancer["kind"],
    instances: number,
  ) => {
    const resource =
      kind === "classic" ? `loadbalancer/${name}` : `loadbalancer/app/${name}/${hashedHex(`${name}|lb`, 16)}`;
    const lbArn = arn("elasticloadbalancing", "us-east-1", account.id, resource);
    const lcu = instances > 0 ? 1.5 : 0;
    const record: LoadBalancer = {
      id: lbArn,
      arn: lbArn,
      billingId: lbArn,
      resourceType: "elasticloadbalancing:loadbalancer",
      account: account.id,
      region: "us-east-1",
      team,
      tags: managedTags(team, account.environment),
      createdAt: ctx.ago(rng.float(200, 1500)),
      deletedAt: null,
      name,
      kind,
      dnsName: `${name}-${rng.int(100_000_000, 2_000_000_000)}.us-east-1.elb.amazonaws.com`,
      healthyTargets: instances,
      lcuPerHour: lcu,
      requestsPerHour: Math.round(lcu * 4_000),
      targetGroups: [],
      classicInstances: [],
    };
    if (kind === "classic") {
      const live = ec2.instances.filter(
        (i) =>
          i.account === account.id && i.region === "us-east-1" && !i.kubernetes && existsAt(i, ctx.anchorMs),
      );
      record.classicInstances = live.slice(0, instances).map((i) => i.id);
    } else {
      record.targetGroups = [targetGroupOf(record, instances)];
    }
    services.loadBalancers.push(record);
  };
  lb(prod, "growth", "summer-sale-2021", "application", 0);
  lb(prod, "web", "legacy-web-prod", "classic", 3);
  lb(staging, "web", "legacy-admin-staging", "classic", 0);

  // Log groups: a function deleted long ago and an importer switched off; their logs stay, stored.
  const stale = (
    account: Account,
    team: string,
    name: string,
    retentionDays: number | null,
    storedGb: number,
  ) => {
    const groupArn = arn("logs", "us-east-1", account.id, `log-group:${name}`);
    const group: LogGroup = {
      id: name,
      arn: groupArn,
      billingId: groupArn,
      resourceType: "logs:log-group",
      account: account.id,
      region: "us-east-1",
      team,
      tags: managedTags(team, account.environment),
      createdAt: ctx.ago(rng.float(400, 1000)),
      deletedAt: null,
      name,
      retentionDays,
      ingestGbPerDay: 0,
      storedGbAtStart: storedGb,
    };
    services.logGroups.push(group);
  };
  stale(prod, "growth", "/aws/lambda/growth-summer-sale-2021", null, 38.5);
  stale(staging, "data", "/northwind/staging/legacy-importer", 365, 6.2);

  // DynamoDB: provisioned for a launch that never came; 2-4% of its capacity is used.
  managed.dynamoTables.push(
    table(ctx, {
      name: "growth-leaderboard-prod",
      account: prod,
      region: "us-east-1",
      team: "growth",
      tags: managedTags("growth", "production"),
      createdDaysAgo: rng.float(200, 400),
      provisioned: { rcu: 1000, wcu: 500, share: rng.float(0.02, 0.04) },
      onDemand: { readsPerDay: 0, writesPerDay: 0 },
      sizeGb: 0.4,
    }),
  );

  // ECR: the ML team's training images, every one kept (no lifecycle policy).
  managed.ecrRepositories.push(
    repository(ctx, {
      name: "ml/training-images",
      account: prod,
      team: "ml",
      tags: managedTags("ml", "production"),
      createdDaysAgo: 700,
      lifecycle: false,
      images: 45,
    }),
  );

  // ElastiCache and Redshift left running in staging with nobody connected.
  managed.cacheClusters.push(
    cacheCluster(ctx, {
      id: "promo-cache-staging",
      account: staging,
      region: "us-east-1",
      team: "growth",
      type: "cache.m6g.large",
      nodes: 2,
      profile: "idle",
      createdDaysAgo: rng.float(150, 300),
    }),
  );
  managed.redshiftClusters.push(
    redshiftCluster(ctx, {
      id: "analytics-staging",
      account: staging,
      team: "data",
      nodeType: "dc2.large",
      nodes: 2,
      profile: "idle",
      createdDaysAgo: rng.float(200, 500),
    }),
  );

  // EKS: a sandbox cluster whose only node group was scaled to zero weeks ago.
  const clusterCreated = ctx.ago(rng.float(60, 120));
  const clusterArn = arn("eks", "us-east-1", sandbox.id, "cluster/sandbox-playground");
  ec2.eksClusters.push({
    id: "sandbox-playground",
    arn: clusterArn,
    billingId: clusterArn,
    resourceType: "eks:cluster",
    account: sandbox.id,
    region: "us-east-1",
    team: "platform",
    tags: managedTags("platform", "sandbox"),
    createdAt: clusterCreated,
    deletedAt: null,
    name: "sandbox-playground",
    version: "1.28",
    nodegroups: [{ name: "default", instanceType: "t3.large", desiredSize: 0, createdAt: clusterCreated }],
  });

  // An instance two sizes too big: busiest minute of any day under 25% CPU.
  const oversized = addInstance(ctx, network(prod, "us-east-1"), ec2, {
    account: prod,
    region: "us-east-1",
    team: "data",
    application: "reporting-api",
    name: "reporting-api",
    instanceType: "m5.2xlarge",
    launchedDaysAgo: rng.float(200, 400),
    terminatedDaysAgo: null,
    stoppedDaysAgo: null,
    schedule: "always",
    market: "on-demand",
    profile: "low",
    tags: { Name: "reporting-api", ...managedTags("data", "production") },
    kubernetes: null,
    rootGb: 50,
    rootType: "gp3",
  });
  oversized.utilization = { ...oversized.utilization, cpuMeanPercent: 7.5, cpuMaxPercent: 22.4 };

  // Incomplete multipart uploads: most older than a week, one from yesterday (too recent to flag).
  const buckets = services.buckets
    .filter(
      (b) =>
        existsAt(b, ctx.anchorMs) && ["backups", "exports", "data-lake", "artifacts"].includes(b.purpose),
    )
    .slice(0, 4);
  let uploads = 0;
  for (const [n, bucket] of buckets.entries()) {
    const count = n === 0 ? 3 : 1;
    for (let k = 0; k < count; k++) {
      const recent = n === 0 && k === 2;
      const createdMs = Date.parse(bucket.createdAt);
      const daysAgo = recent ? 1.2 : Math.min((ctx.anchorMs - createdMs) / DAY_MS - 0.5, rng.float(9, 80));
      bucket.multipartUploads.push({
        key: `${bucket.purpose}/${rng.pick(["2024", "2023"])}/dump-${rng.hex(8)}.tar.gz`,
        uploadId: rng.alnum(64),
        initiated: ctx.ago(Math.max(0.5, daysAgo)),
        partBytes: Array.from({ length: rng.int(3, 120) }, () => 64 * 1024 ** 2),
      });
      uploads++;
    }
  }
  return {
    databases: 3,
    loadBalancers: 3,
    logGroups: 2,
    dynamoTables: 1,
    ecrRepositories: 1,
    cacheClusters: 1,
    redshiftClusters: 1,
    eksClusters: 1,
    oversizedInstances: 1,
    multipartUploads: uploads,
  };
}
