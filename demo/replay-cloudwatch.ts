/**
 * The demo estate's CloudWatch pages: GetMetricData of one account and region, in the batches the
 * utilization collector asks for (collectors/utilization/cloudwatch.ts), each query's daily statistics
 * computed from the record's usage profile, with the bill's own jitter where the bill charges the same
 * usage (NAT gateway bytes, bucket sizes; issue 16's services in replay-cloudwatch-services.ts). No
 * datapoints on days a resource did not exist or run. Queries name resources by their collector's id
 * (an ARN for the services whose ids are ARNs), as the utilization collector asks them.
 */
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import {
  type MetricQuery,
  metricBatches,
  metricQueriesFor,
  metricWindow,
} from "../collectors/utilization/cloudwatch.js";
import {
  aliveHours,
  type Bucket,
  bucketObjects,
  bucketSizeGb,
  DAY_MS,
  type Estate,
  type Instance,
  type NatGateway,
  type Resource,
  runningHours,
  type Volume,
} from "./estate.js";
import { jitter, noise } from "./random.js";
import { collectorId, serviceMetricValue } from "./replay-cloudwatch-services.js";
import type { PageWriter, ScopeOf } from "./replay-pages.js";

/**
 * Writes GetMetricData of one account and region for the metrics the collector asks of `resources`,
 * over the `lookbackDays` days before `at`; returns how many metric queries it answered.
 */
export async function writeMetricPages(
  writer: PageWriter,
  scope: ScopeOf,
  series: MetricSeries,
  resources: Resource[],
  window: { at: Date; lookbackDays: number },
): Promise<number> {
  const { lookbackDays } = window;
  const queries = metricQueriesFor(resources.map(asRecord));
  const start = metricWindow(window.at, lookbackDays).start.getTime();
  const days = Array.from({ length: lookbackDays }, (_, i) => start + i * DAY_MS);
  const byId = new Map<string, Resource>(resources.map((r) => [collectorId(r), r]));
  for (const [index, batch] of metricBatches(queries).entries()) {
    await writer.page(scope("cloudwatch", "GetMetricData", String(index).padStart(4, "0")), [
      {
        MetricDataResults: batch.map((query, i) => {
          const resource = byId.get(query.resourceId);
          const points = resource ? series.series(resource, query, days) : [];
          return {
            Id: `m${i}`,
            Label: query.metric,
            Timestamps: points.map(([ms]) => new Date(ms).toISOString()),
            Values: points.map(([, value]) => value),
            StatusCode: "Complete",
          };
        }),
        Messages: [],
      },
    ]);
  }
  return queries.length;
}

/** Just what metricQueriesFor reads of a record: its type and id. */
function asRecord(resource: Resource): ResourceRecord {
  return {
    resourceId: collectorId(resource),
    resourceType: resource.resourceType,
    account: resource.account,
    region: resource.region,
    state: null,
    stateSince: null,
    createdAt: null,
    tags: {},
    attributes: {},
  };
}

/** The estate's daily CloudWatch statistics, indexed by day of its billing window. */
export class MetricSeries {
  private readonly instances = new Map<string, Instance>();
  private readonly windowStartMs: number;

  constructor(estate: Estate) {
    this.windowStartMs = Date.parse(`${estate.windowStart}T00:00:00Z`);
    for (const instance of estate.instances) this.instances.set(instance.id, instance);
  }

  /** One query's daily datapoints ([day start, value]) over the given days; none where there is no data. */
  series(resource: Resource, query: MetricQuery, days: number[]): [number, number][] {
    const points: [number, number][] = [];
    for (const dayMs of days) {
      const value = this.value(resource, query, dayMs);
      if (value !== null) points.push([dayMs, value]);
    }
    return points;
  }

  private value(resource: Resource, query: MetricQuery, dayMs: number): number | null {
    const index = Math.round((dayMs - this.windowStartMs) / DAY_MS);
    const key = `${resource.id}|${query.metric}|${query.stat}|${index}`;
    switch (resource.resourceType) {
      case "ec2:instance":
        return instanceValue(resource as Instance, query, dayMs, index);
      case "ec2:volume":
        return this.volumeValue(resource as Volume, query, dayMs, key);
      case "ec2:nat-gateway": {
        const n = resource as NatGateway;
        const hours = aliveHours(n, dayMs);
        if (hours === 0) return null;
        // The same jitter as the bill's processed bytes for the gateway and day.
        return Math.round(
          n.traffic.bytesOutToDestinationPerDay * jitter(`${n.id}|${index}`, 0.15) * (hours / 24),
        );
      }
      case "s3:bucket": {
        const b = resource as Bucket;
        if (aliveHours(b, dayMs) === 0) return null;
        if (query.metric === "NumberOfObjects") return Math.max(0, bucketObjects(b, index));
        const gb = Math.max(0, bucketSizeGb(b, index)) * (1 - b.infrequentAccessShare);
        return Math.round(gb * 1024 ** 3);
      }
      default:
        return serviceMetricValue(resource, query, dayMs, index) ?? null;
    }
  }

  private volumeValue(v: Volume, query: MetricQuery, dayMs: number, key: string): number | null {
    const alive = aliveHours(v, dayMs);
    if (alive === 0) return null;
    const instance = v.attachment ? this.instances.get(v.attachment.instanceId) : undefined;
    // Operations only while its instance ran with it attached (its detachment is the instance's end).
    const active = instance ? Math.min(alive, runningHours(instance, dayMs)) : 0;
    const perHour = v.io.readOpsPerHour + v.io.writeOpsPerHour;
    if (query.metric === "VolumeReadOps") return Math.round(v.io.readOpsPerHour * active * jitter(key, 0.3));
    if (query.metric === "VolumeWriteOps")
      return Math.round(v.io.writeOpsPerHour * active * jitter(key, 0.3));
    // Seconds with no I/O: all of them but a share of the active ones that grows with the I/O rate.
    const busyShare = active > 0 ? Math.min(0.98, 1 - Math.exp(-perHour / 3600 / 5)) : 0;
    return Math.round(alive * 3600 - active * 3600 * busyShare);
  }
}

function instanceValue(i: Instance, query: MetricQuery, dayMs: number, index: number): number | null {
  const hours = runningHours(i, dayMs);
  if (hours === 0) return null;
  const u = i.utilization;
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const average = Math.min(100, u.cpuMeanPercent * jitter(`${i.id}|cpu|${index}`, 0.15));
  switch (query.metric) {
    case "CPUUtilization": {
      if (query.stat === "Average") return round(average, 4);
      // The day's busiest minute: between its average and the profile's maximum, never above that.
      const peak =
        average + (u.cpuMaxPercent - u.cpuMeanPercent) * (0.6 + 0.4 * noise(`${i.id}|cpumax|${index}`));
      return round(Math.max(average, Math.min(u.cpuMaxPercent, peak)), 4);
    }
    case "NetworkIn":
      return Math.round(u.networkInBytesPerHour * hours * jitter(`${i.id}|netin|${index}`, 0.3));
    case "NetworkOut":
      return Math.round(u.networkOutBytesPerHour * hours * jitter(`${i.id}|netout|${index}`, 0.3));
    default:
      return null;
  }
}
