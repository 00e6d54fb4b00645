import {
  CloudWatchClient,
  type Dimension,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { clientFor } from "../../aws/clients.js";
import { arnName } from "../../resources/arn.js";
import { RESOURCE_DESCRIPTORS } from "../../resources/index.js";
import type { MetricPlan, MetricStat, ResourceDescriptor } from "../../resources/types.js";
import type { MetricDay } from "../../store/inventory.js";
import type { CollectScope, ResourceRecord } from "../inventory/resource.js";

/** One metric statistic of one resource: one query of a GetMetricData call. */
export interface MetricQuery {
  resourceId: string;
  resourceType: string;
  namespace: string;
  metric: string;
  stat: MetricStat;
  dimensions: Dimension[];
}

/** The most MetricDataQueries one GetMetricData call takes. */
export const MAX_QUERIES_PER_CALL = 500;

/** Daily statistics: one datapoint per UTC day. */
export const PERIOD_SECONDS = 86_400;

/** What is asked for each resource type that has metrics, in registry order: the order queries are packed. */
const PLANS = RESOURCE_DESCRIPTORS.flatMap((d): [ResourceDescriptor, MetricPlan][] =>
  d.metrics ? [[d, d.metrics]] : [],
);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The metric queries for the resources whose type has metrics (others are ignored), in a stable order:
 * by type (registry order), then by id, then in the plan's order, so that the same resources always
 * give the same batches (a replay maps answers back to the queries it recorded). A metric of the plan
 * that applies only to some ids (`appliesTo`: an ALB's RequestCount) is asked only of those.
 */
export function metricQueriesFor(resources: ResourceRecord[]): MetricQuery[] {
  const queries: MetricQuery[] = [];
  for (const [descriptor, plan] of PLANS) {
    const ids = [
      ...new Set(resources.filter((r) => r.resourceType === descriptor.type).map((r) => r.resourceId)),
    ].sort(compare);
    for (const resourceId of ids) {
      const name = arnName(descriptor, resourceId);
      for (const planned of plan.metrics) {
        if (planned.appliesTo && !planned.appliesTo.test(name)) continue;
        queries.push({
          resourceId,
          resourceType: descriptor.type,
          namespace: planned.namespace ?? plan.namespace,
          metric: planned.metric,
          stat: planned.stat,
          dimensions: [{ Name: planned.dimension ?? plan.dimension, Value: name }, ...(planned.extra ?? [])],
        });
      }
    }
  }
  return queries;
}

/** The queries in GetMetricData calls: full batches of up to 500, whatever the resource types. */
export function metricBatches(queries: MetricQuery[]): MetricQuery[][] {
  const batches: MetricQuery[][] = [];
  for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) {
    batches.push(queries.slice(i, i + MAX_QUERIES_PER_CALL));
  }
  return batches;
}

/** The whole UTC days asked: from midnight `lookbackDays` days before now's day to midnight of now's day. */
export function metricWindow(now: Date, lookbackDays: number): { start: Date; end: Date } {
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1) {
    throw new RangeError(`lookbackDays must be a positive whole number of days, not ${lookbackDays}`);
  }
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - lookbackDays * PERIOD_SECONDS * 1000);
  return { start, end };
}

const FIELD: Record<MetricStat, "average" | "maximum" | "sum"> = {
  Average: "average",
  Maximum: "maximum",
  Sum: "sum",
};

/**
 * Daily utilization of the scope's account and region resources (EC2 instances, EBS volumes, NAT
 * gateways, S3 buckets) from CloudWatch GetMetricData: the queries of every resource type packed
 * together into calls of up to 500 queries, each call one PageScope (part: the batch index) so that
 * record and replay work. One MetricDay per resource, metric and UTC day that has data.
 */
export async function collectUtilization(
  scope: CollectScope,
  resources: ResourceRecord[],
  options: { lookbackDays: number },
): Promise<MetricDay[]> {
  const { start, end } = metricWindow(scope.now, options.lookbackDays);
  const queries = metricQueriesFor(
    resources.filter((r) => r.account === scope.account && r.region === scope.region),
  );
  if (queries.length === 0) return [];
  const days = new Map<string, MetricDay>();
  const client = clientFor(CloudWatchClient, scope);
  try {
    for (const [index, batch] of metricBatches(queries).entries()) {
      const request: MetricDataQuery[] = batch.map((query, i) => ({
        Id: `m${i}`,
        MetricStat: {
          Metric: { Namespace: query.namespace, MetricName: query.metric, Dimensions: query.dimensions },
          Period: PERIOD_SECONDS,
          Stat: query.stat,
        },
        ReturnData: true,
      }));
      const pages = scope.pages.pages<GetMetricDataCommandOutput>(
        {
          account: scope.account,
          region: scope.region,
          service: "cloudwatch",
          operation: "GetMetricData",
          part: String(index).padStart(4, "0"),
        },
        async (token) => {
          const page = await client.send(
            new GetMetricDataCommand({
              MetricDataQueries: request,
              StartTime: start,
              EndTime: end,
              ScanBy: "TimestampAscending",
              NextToken: token,
            }),
          );
          return { page, next: page.NextToken };
        },
      );
      // A result too large for one page goes on in the next pages, under the same ids.
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) {
          const query = batch[Number(/^m(\d+)$/.exec(result.Id ?? "")?.[1] ?? Number.NaN)];
          if (!query) continue;
          const timestamps = result.Timestamps ?? [];
          const values = result.Values ?? [];
          for (const [i, timestamp] of timestamps.entries()) {
            const value = values[i];
            // Replayed pages hold timestamps as ISO strings, live ones as Dates.
            const time = new Date(timestamp as Date | string);
            if (typeof value !== "number" || !Number.isFinite(value) || Number.isNaN(time.getTime()))
              continue;
            const day = time.toISOString().slice(0, 10);
            const key = [query.resourceId, query.namespace, query.metric, day].join("\u0000");
            let metricDay = days.get(key);
            if (!metricDay) {
              metricDay = {
                account: scope.account,
                region: scope.region,
                resourceId: query.resourceId,
                namespace: query.namespace,
                metric: query.metric,
                day,
                average: null,
                maximum: null,
                sum: null,
              };
              days.set(key, metricDay);
            }
            metricDay[FIELD[query.stat]] = value;
          }
        }
      }
    }
  } finally {
    client.destroy();
  }
  return [...days.values()].sort(
    (a, b) =>
      compare(a.resourceId, b.resourceId) ||
      compare(a.namespace, b.namespace) ||
      compare(a.metric, b.metric) ||
      compare(a.day, b.day),
  );
}

/** The IAM actions the utilization collector calls. */
export const UTILIZATION_IAM_ACTIONS = ["cloudwatch:GetMetricData"] as const;
