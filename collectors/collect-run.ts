import { SingleBar } from "cli-progress";
import pLimit from "p-limit";
import { type AccountTarget, reachAccounts, resolveRegions } from "../aws/accounts.js";
import type { AwsOptions } from "../aws/clients.js";
import { describeAwsError, isAccessDenied } from "../aws/errors.js";
import { countingPages, type PageSource } from "../aws/pages.js";
import { recordedScopes } from "../aws/record-replay.js";
import type { Config } from "../config/schema.js";
import type { Store } from "../store/database.js";
import { saveInventory, saveMetrics } from "../store/inventory.js";
import { classicLoadBalancers } from "./inventory/classic-load-balancers.js";
import { dynamodbTables } from "./inventory/dynamodb-tables.js";
import { ebsSnapshots } from "./inventory/ebs-snapshots.js";
import { ebsVolumes } from "./inventory/ebs-volumes.js";
import { ec2Instances } from "./inventory/ec2-instances.js";
import { ecrRepositories } from "./inventory/ecr-repositories.js";
import { eksClusters } from "./inventory/eks-clusters.js";
import { elasticIps } from "./inventory/elastic-ips.js";
import { elasticacheClusters } from "./inventory/elasticache-clusters.js";
import { images } from "./inventory/images.js";
import { loadBalancers } from "./inventory/load-balancers.js";
import { logGroups } from "./inventory/log-groups.js";
import { natGateways } from "./inventory/nat-gateways.js";
import { rdsInstances } from "./inventory/rds-instances.js";
import { redshiftClusters } from "./inventory/redshift-clusters.js";
import { reservedInstances } from "./inventory/reserved-instances.js";
import type { CollectScope, InventoryCollector, ResourceRecord } from "./inventory/resource.js";
import { s3Buckets } from "./inventory/s3-buckets.js";
import { savingsPlans } from "./inventory/savings-plans.js";
import { taggingResources } from "./inventory/tagging.js";
import { KUBERNETES_SERVICE } from "./kubernetes/cluster.js";
import { type CollectorReport, failedReport, recordCollectorRun } from "./run.js";
import { collectUtilization } from "./utilization/cloudwatch.js";

/** Every inventory collector; adding a source means adding a file and a line here. */
export const INVENTORY_COLLECTORS: readonly InventoryCollector[] = [
  s3Buckets,
  ec2Instances,
  ebsVolumes,
  ebsSnapshots,
  elasticIps,
  natGateways,
  rdsInstances,
  loadBalancers,
  classicLoadBalancers,
  elasticacheClusters,
  redshiftClusters,
  logGroups,
  dynamodbTables,
  ecrRepositories,
  images,
  eksClusters,
  reservedInstances,
  savingsPlans,
  taggingResources,
];

export const UTILIZATION_COLLECTOR = "utilization:cloudwatch";

export interface CollectRunOptions {
  config: Config;
  aws: AwsOptions;
  /** Regions named on the command line, else the config's. */
  regions: string[];
  now: Date;
  runId: string;
  inventory: boolean;
  utilization: boolean;
  pages: PageSource;
  /** On replay: the record folder, whose accounts and regions are the run's. */
  replayDir?: string;
}

interface AccountPlan {
  target: AccountTarget;
  regions: string[];
}

/**
 * Collects inventory and utilization across accounts and regions, a bounded number of scopes at once.
 * Each collector's result for an account and region is stored on its own as soon as it succeeds: one
 * failing account, region or API is reported as failed and loses nothing the others collected.
 */
export async function collectInventoryAndUtilization(
  store: Store,
  options: CollectRunOptions,
): Promise<CollectorReport[]> {
  const planStartedAt = new Date();
  const { plans, failures } = await planAccounts(options);
  const reports: CollectorReport[] = [...failures];
  for (const failure of failures)
    await recordCollectorRun(store.connection, options.runId, failure, planStartedAt);
  const regional = INVENTORY_COLLECTORS.filter((c) => c.scope === "regional");
  const accountWide = INVENTORY_COLLECTORS.filter((c) => c.scope === "account");
  const total = plans.reduce(
    (sum, plan) =>
      sum +
      (options.inventory ? accountWide.length + plan.regions.length * regional.length : 0) +
      (options.utilization ? plan.regions.length : 0),
    0,
  );
  const bar = progressBar(total);
  const step = (report: CollectorReport) => {
    reports.push(report);
    bar?.increment({ label: `${report.name} ${report.account ?? ""} ${report.region ?? ""}` });
  };
  // DuckDB has one writer: collectors fetch in parallel, their writes queue one at a time.
  const write = pLimit(1);

  const runCollector = async (collector: InventoryCollector, scope: CollectScope, label: string) => {
    const startedAt = new Date();
    const pages = countingPages(options.pages);
    const report: CollectorReport = {
      name: collector.name,
      account: scope.account,
      region: label,
      status: "ok",
      rows: 0,
      apiCalls: 0,
    };
    let records: ResourceRecord[] = [];
    try {
      records = await collector.collect({ ...scope, pages });
      report.rows = records.length;
      await write(() =>
        saveInventory(store.connection, options.runId, collector.name, label, startedAt, records),
      );
    } catch (error) {
      report.status = "failed";
      // AWS names the refused call; the collector knows every permission its calls need.
      report.error = isAccessDenied(error)
        ? `${describeAwsError(error)} (the collector needs ${collector.iamActions.join(", ")}: see finops iam-policy --role collector)`
        : describeAwsError(error);
      records = [];
    }
    report.apiCalls = pages.calls();
    await write(() => recordCollectorRun(store.connection, options.runId, report, startedAt));
    step(report);
    return records;
  };

  const limit = pLimit(options.config.aws.concurrency);
  try {
    await Promise.all(
      plans.map(async ({ target, regions }) => {
        const base = { account: target.account, aws: options.aws, now: options.now, pages: options.pages };
        const scope = (region: string): CollectScope => ({
          ...base,
          region,
          ...(target.credentials ? { credentials: target.credentials } : {}),
        });
        const accountRecords: ResourceRecord[] = [];
        if (options.inventory) {
          for (const collector of accountWide) {
            accountRecords.push(
              ...(await limit(() => runCollector(collector, scope(regions[0] ?? "us-east-1"), "global"))),
            );
          }
        }
        await Promise.all(
          regions.map((region) =>
            limit(async () => {
              let records: ResourceRecord[] = accountRecords.filter((r) => r.region === region);
              if (options.inventory) {
                for (const collector of regional)
                  records.push(...(await runCollector(collector, scope(region), region)));
              } else {
                records = await currentResources(store, target.account, region);
              }
              if (options.utilization) await runUtilization(scope(region), records);
            }),
          ),
        );
      }),
    );
  } finally {
    bar?.stop();
  }
  return reports.sort((a, b) =>
    `${a.account}/${a.region}/${a.name}`.localeCompare(`${b.account}/${b.region}/${b.name}`),
  );

  async function runUtilization(scope: CollectScope, records: ResourceRecord[]) {
    const startedAt = new Date();
    const pages = countingPages(options.pages);
    const report: CollectorReport = {
      name: UTILIZATION_COLLECTOR,
      account: scope.account,
      region: scope.region,
      status: "ok",
      rows: 0,
      apiCalls: 0,
    };
    try {
      const days = await collectUtilization({ ...scope, pages }, records, {
        lookbackDays: options.config.utilization.lookbackDays,
      });
      report.rows = days.length;
      await write(() => saveMetrics(store.connection, options.runId, days));
    } catch (error) {
      report.status = "failed";
      report.error = describeAwsError(error);
    }
    report.apiCalls = pages.calls();
    await write(() => recordCollectorRun(store.connection, options.runId, report, startedAt));
    step(report);
  }
}

/**
 * The accounts and regions to collect, and a failed report for each account (or Organization listing)
 * that could not be reached or whose regions could not be listed: those are left out, not the run.
 */
async function planAccounts(
  options: CollectRunOptions,
): Promise<{ plans: AccountPlan[]; failures: CollectorReport[] }> {
  if (options.replayDir) {
    const byAccount = new Map<string, string[]>();
    // A Kubernetes cluster's pages alone are no AWS account and region to collect.
    for (const { account, region } of await recordedScopes(
      options.replayDir,
      (s) => s !== KUBERNETES_SERVICE,
    )) {
      if (account === "caller") continue;
      const regions = byAccount.get(account) ?? [];
      if (region !== "global") regions.push(region);
      byAccount.set(account, regions);
    }
    return {
      plans: [...byAccount].map(([account, regions]) => ({ target: { account }, regions })),
      failures: [],
    };
  }
  const reached = await reachAccounts(options.config, options.aws, options.pages);
  const { targets } = reached;
  const failures = reached.failures.map((f) => failedReport(f.step, f.account, f.error));
  const plans: AccountPlan[] = [];
  for (const target of targets) {
    const pages = countingPages(options.pages);
    try {
      plans.push({ target, regions: await resolveRegions(options.regions, options.aws, pages, target) });
    } catch (error) {
      failures.push(
        failedReport(
          "accounts:regions",
          target.account,
          `DescribeRegions: ${describeAwsError(error)}`,
          pages.calls(),
        ),
      );
    }
  }
  return { plans, failures };
}

/** The stored current inventory of one account and region, for a utilization-only run. */
async function currentResources(store: Store, account: string, region: string): Promise<ResourceRecord[]> {
  const reader = await store.connection.runAndReadAll(
    `SELECT resource_id, resource_type, account, region, state, tags::VARCHAR AS tags, attributes::VARCHAR AS attributes
     FROM resources_current WHERE account = $1 AND region = $2`,
    [account, region],
  );
  return reader.getRowObjectsJson().map((row) => ({
    resourceId: String(row.resource_id),
    resourceType: String(row.resource_type),
    account: String(row.account),
    region: String(row.region),
    state: row.state === null ? null : String(row.state),
    stateSince: null,
    createdAt: null,
    tags: JSON.parse(String(row.tags ?? "{}")),
    attributes: JSON.parse(String(row.attributes ?? "{}")),
  }));
}

/** A progress bar on stderr, only when stderr is a terminal (never in CI logs or pipes). */
function progressBar(total: number): SingleBar | undefined {
  if (!process.stderr.isTTY || total === 0) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: "collect [{bar}] {value}/{total} {label}",
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0, { label: "" });
  return bar;
}
