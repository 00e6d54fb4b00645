/**
 * Daily CloudWatch statistics of issue 16's services, from each record's usage profile and with the
 * bill's own jitter keys where the bill charges the same usage: a log group's IncomingBytes is the GB
 * of ingestion the bill charges that day, an on-demand table's consumed units are the request units it
 * charges, a load balancer's requests and bytes follow its billed capacity units. Idle resources answer
 * 0 every day (a datapoint, as CloudWatch reports a metric that exists), nothing before they existed.
 */
import type { MetricQuery } from "../collectors/utilization/cloudwatch.js";
import { dynamoUnits } from "./billing-managed.js";
import {
  aliveHours,
  type CacheCluster,
  type DbInstance,
  type DynamoTable,
  type LoadBalancer,
  type LogGroup,
  logIngestedGb,
  type RedshiftCluster,
  type Resource,
} from "./estate.js";
import { jitter, noise } from "./random.js";
import { GIB } from "./replay-logs.js";

/** Types whose collector's id is the resource's ARN (the spec's idIsArn); the others use the bare id. */
const ARN_IDS = new Set<string>([
  "rds:db",
  "elasticloadbalancing:loadbalancer",
  "logs:log-group",
  "dynamodb:table",
  "ecr:repository",
  "elasticache:cluster",
  "eks:cluster",
  "redshift:cluster",
]);

/** The id the resource's own collector gives it (what MetricQuery.resourceId holds). */
export function collectorId(resource: Resource): string {
  return ARN_IDS.has(resource.resourceType) ? resource.arn : resource.id;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The statistic of a service's resource on one window day; undefined for a type this file does not answer. */
export function serviceMetricValue(
  resource: Resource,
  query: MetricQuery,
  dayMs: number,
  index: number,
): number | null | undefined {
  const hours = aliveHours(resource, dayMs);
  const weekend = [0, 6].includes(new Date(dayMs).getUTCDay());
  const weekday = weekend ? 0.7 : 1.05;
  switch (resource.resourceType) {
    case "rds:db": {
      if (hours === 0) return null;
      const db = resource as DbInstance;
      const u = db.utilization;
      if (query.metric === "DatabaseConnections") {
        return u.connectionsMean === 0
          ? 0
          : Math.round(u.connectionsMean * (1.2 + 0.5 * noise(`${db.id}|conn|${index}`)));
      }
      if (query.metric !== "CPUUtilization") return null;
      const average = Math.min(100, u.cpuMeanPercent * jitter(`${db.id}|cpu|${index}`, 0.15));
      if (query.stat === "Average") return round4(average);
      const peak =
        average + (u.cpuMaxPercent - u.cpuMeanPercent) * (0.6 + 0.4 * noise(`${db.id}|cpumax|${index}`));
      return round4(Math.max(average, Math.min(u.cpuMaxPercent, peak)));
    }
    case "elasticloadbalancing:loadbalancer": {
      if (hours === 0) return null;
      const lb = resource as LoadBalancer;
      // The same draw as the bill's capacity units (LCUs, or a classic load balancer's processed GB).
      const share = hours * weekday * jitter(`${lb.id}|${index}`, 0.2);
      if (query.metric === "RequestCount") return Math.round(lb.requestsPerHour * share);
      if (query.metric === "ProcessedBytes") return Math.round(lb.lcuPerHour * share * GIB);
      return null;
    }
    case "logs:log-group": {
      if (hours === 0) return null;
      const group = resource as LogGroup;
      return query.metric === "IncomingBytes" ? Math.round(logIngestedGb(group, index) * GIB) : null;
    }
    case "dynamodb:table": {
      if (hours === 0) return null;
      const table = resource as DynamoTable;
      if (query.metric === "ConsumedReadCapacityUnits") return dynamoUnits(table, "read", index, hours);
      if (query.metric === "ConsumedWriteCapacityUnits") return dynamoUnits(table, "write", index, hours);
      return null;
    }
    case "elasticache:cluster":
    case "redshift:cluster": {
      if (hours === 0) return null;
      const cluster = resource as CacheCluster | RedshiftCluster;
      const metric = resource.resourceType === "redshift:cluster" ? "DatabaseConnections" : "CurrConnections";
      if (query.metric !== metric) return null;
      return Math.round(cluster.connectionsMax * (0.7 + 0.3 * noise(`${cluster.id}|conn|${index}`)));
    }
    default:
      return undefined;
  }
}
