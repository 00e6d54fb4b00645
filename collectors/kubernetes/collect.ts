import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { CoreV1Api } from "@kubernetes/client-node";
import pLimit from "p-limit";
import { countingPages, type PageSource } from "../../aws/pages.js";
import { recordedScopes } from "../../aws/record-replay.js";
import type { Config, KubernetesCluster } from "../../config/schema.js";
import type { Store } from "../../store/database.js";
import { saveInventory } from "../../store/inventory.js";
import type { ResourceRecord } from "../inventory/resource.js";
import { type CollectorReport, recordCollectorRun } from "../run.js";
import {
  type ClusterName,
  type ClusterScope,
  coreApiFor,
  describeKubernetesError,
  describeRbac,
  KUBERNETES_SERVICE,
  type KubernetesCollector,
} from "./cluster.js";
import { kubernetesNodes } from "./nodes.js";
import { kubernetesPods } from "./pods.js";

/** Every Kubernetes collector; each runs once per cluster, and fails alone. */
export const KUBERNETES_COLLECTORS: readonly KubernetesCollector[] = [kubernetesNodes, kubernetesPods];

export interface CollectKubernetesOptions {
  config: Config;
  now: Date;
  runId: string;
  pages: PageSource;
  /** On replay: the record folder, whose clusters are the run's (no cluster is reached). */
  replayDir?: string;
}

/**
 * The scope a cluster's runs are stored under (collector_runs.region, inventory.scope): its region and
 * name, so that two clusters of one account and region each keep their own latest run.
 */
export function clusterScopeLabel(cluster: ClusterName): string {
  return `${cluster.region}/${cluster.name}`;
}

/**
 * Collects every configured cluster's nodes and pods (on replay, every recorded cluster's). Each
 * collector's result for a cluster is stored as soon as it has it: a cluster that cannot be reached, or
 * that refuses one kind of object, fails those collectors alone and loses nothing the others collected.
 */
export async function collectKubernetes(
  store: Store,
  options: CollectKubernetesOptions,
): Promise<CollectorReport[]> {
  const clusters: (ClusterName & Partial<KubernetesCluster>)[] = options.replayDir
    ? await recordedClusters(options.replayDir)
    : options.config.kubernetes.clusters;
  const reports: CollectorReport[] = [];
  // DuckDB has one writer: clusters are read in parallel, their writes queue one at a time.
  const write = pLimit(1);
  const limit = pLimit(options.config.aws.concurrency);

  const runCollector = async (collector: KubernetesCollector, scope: ClusterScope) => {
    const startedAt = new Date();
    const pages = countingPages(options.pages);
    const label = clusterScopeLabel(scope.cluster);
    const report: CollectorReport = {
      name: collector.name,
      account: scope.cluster.account,
      region: label,
      status: "ok",
      rows: 0,
      apiCalls: 0,
    };
    try {
      const records: ResourceRecord[] = await collector.collect({ ...scope, pages });
      report.rows = records.length;
      await write(() =>
        saveInventory(store.connection, options.runId, collector.name, label, startedAt, records),
      );
    } catch (error) {
      report.status = "failed";
      report.error = failure(collector, scope.cluster, error);
    }
    report.apiCalls = pages.calls();
    await write(() => recordCollectorRun(store.connection, options.runId, report, startedAt));
    reports.push(report);
  };

  await Promise.all(
    clusters.map((cluster) =>
      limit(async () => {
        let api: CoreV1Api | undefined;
        const scope: ClusterScope = {
          cluster: { name: cluster.name, account: cluster.account, region: cluster.region },
          api: () => {
            if (cluster.kubeconfig === undefined && !cluster.inCluster)
              throw new Error("a replayed cluster has no API server to ask");
            api ??= coreApiFor(cluster as KubernetesCluster);
            return api;
          },
          pages: options.pages,
          pageSize: options.config.kubernetes.pageSize,
          requestTimeoutMs: options.config.kubernetes.requestTimeoutSeconds * 1000,
          now: options.now,
        };
        for (const collector of KUBERNETES_COLLECTORS) await runCollector(collector, scope);
      }),
    ),
  );
  return reports.sort((a, b) =>
    `${a.account}/${a.region}/${a.name}`.localeCompare(`${b.account}/${b.region}/${b.name}`),
  );
}

/**
 * A failed collector's error, naming the cluster; a refusal (403) names the permission the collector
 * needs, which the ClusterRole of `finops iam-policy --role kubernetes` grants.
 */
function failure(collector: KubernetesCollector, cluster: ClusterName, error: unknown): string {
  const where = `cluster ${cluster.name} (${cluster.account} ${cluster.region})`;
  const name = error instanceof Error ? error.name : "";
  if (name === "Forbidden") {
    const needs = describeRbac(collector.rbac);
    return `${where} refused ${needs}: ${describeKubernetesError(error)}. The collector needs ${needs} (finops iam-policy --role kubernetes prints the ClusterRole)`;
  }
  if (name === "Unauthorized") {
    return `${where} did not accept finops's credentials (check the kubeconfig's user or token): ${describeKubernetesError(error)}`;
  }
  return `${where}: ${describeKubernetesError(error)}`;
}

/** The clusters a record folder holds pages of: DIR/ACCOUNT/REGION/kubernetes/OPERATION/CLUSTER/. */
export async function recordedClusters(dir: string): Promise<ClusterName[]> {
  const clusters = new Map<string, ClusterName>();
  for (const { account, region } of await recordedScopes(dir)) {
    const service = join(dir, account, region, KUBERNETES_SERVICE);
    for (const operation of await folders(service)) {
      for (const part of await folders(join(service, operation))) {
        const name = decodeURIComponent(part);
        clusters.set(`${account}/${region}/${name}`, { name, account, region });
      }
    }
  }
  return [...clusters.values()];
}

async function folders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
