/**
 * The charges of one day for issue 16's services and parts of older records the bill did not charge
 * before: DynamoDB capacity or requests and storage, ECR storage, ElastiCache and Redshift node hours,
 * and the stored parts of S3's incomplete multipart uploads. Usage comes from the records and the
 * lifecycle helpers only, with the same jitter keys the replay's CloudWatch answers use
 * (replay-cloudwatch-services.ts), so the bill and the metrics agree.
 */
import { repositoryBytesAt } from "./estate-managed.js";
import type { Estate, Resource, ResourceType } from "./estate-types.js";
import { aliveHours, DAY_MS, overlapHours } from "./lifecycle.js";
import { METERS, type Meter, nodeMeter } from "./meters.js";
import { jitter } from "./random.js";

/** FOCUS ResourceType as AWS writes it: the resource type of the ARN. */
export const RESOURCE_TYPE: Record<ResourceType, string> = {
  "ec2:instance": "instance",
  "ec2:volume": "volume",
  "ec2:snapshot": "snapshot",
  "ec2:elastic-ip": "elastic-ip",
  "ec2:nat-gateway": "natgateway",
  "s3:bucket": "bucket",
  "rds:db": "db",
  "elasticloadbalancing:loadbalancer": "loadbalancer",
  "lambda:function": "function",
  "logs:log-group": "log-group",
  "kms:key": "key",
  "route53:hostedzone": "hostedzone",
  "eks:cluster": "cluster",
  "dynamodb:table": "table",
  "ecr:repository": "repository",
  "elasticache:cluster": "cluster",
  "redshift:cluster": "cluster",
  "ec2:image": "image",
};

/** What a day of an on-demand table's requests, or a provisioned table's consumption, comes to. */
export function dynamoUnits(
  table: { id: string; consumedReadUnitsPerDay: number; consumedWriteUnitsPerDay: number },
  kind: "read" | "write",
  dayIndex: number,
  hours: number,
): number {
  const perDay = kind === "read" ? table.consumedReadUnitsPerDay : table.consumedWriteUnitsPerDay;
  return Math.round(perDay * jitter(`${table.id}|${kind}|${dayIndex}`, 0.2) * (hours / 24));
}

/** Bytes of a multipart upload's parts; they are stored from its initiation until it is aborted. */
export const uploadBytes = (upload: { partBytes: number[] }) => upload.partBytes.reduce((a, b) => a + b, 0);

export type Use = (resource: Resource, meter: Meter, amount: number) => void;

export function managedServiceCharges(
  estate: Estate,
  d: { index: number; startMs: number; daysInMonth: number },
  use: Use,
): void {
  const months = (hours: number) => hours / 24 / d.daysInMonth;
  for (const t of estate.dynamoTables) {
    const hours = aliveHours(t, d.startMs);
    if (hours === 0) continue;
    if (t.billingMode === "PROVISIONED") {
      use(t, METERS.dynamoReadCapacity, t.readCapacityUnits * hours);
      use(t, METERS.dynamoWriteCapacity, t.writeCapacityUnits * hours);
    } else {
      const reads = dynamoUnits(t, "read", d.index, hours);
      const writes = dynamoUnits(t, "write", d.index, hours);
      if (reads > 0) use(t, METERS.dynamoReadRequests, reads);
      if (writes > 0) use(t, METERS.dynamoWriteRequests, writes);
    }
    use(t, METERS.dynamoStorage, t.sizeGb * months(hours));
  }
  for (const r of estate.ecrRepositories) {
    const hours = aliveHours(r, d.startMs);
    const bytes = repositoryBytesAt(r, d.startMs + DAY_MS);
    if (hours > 0 && bytes > 0) use(r, METERS.ecrStorage, (bytes / 1024 ** 3) * months(hours));
  }
  for (const c of estate.cacheClusters) {
    const hours = aliveHours(c, d.startMs);
    if (hours > 0) use(c, nodeMeter("elasticache", c.cacheNodeType), c.numCacheNodes * hours);
  }
  for (const c of estate.redshiftClusters) {
    const hours = aliveHours(c, d.startMs);
    if (hours > 0) use(c, nodeMeter("redshift", c.nodeType), c.numberOfNodes * hours);
  }
  for (const b of estate.buckets) {
    for (const upload of b.multipartUploads) {
      const end = b.deletedAt === null ? Number.POSITIVE_INFINITY : Date.parse(b.deletedAt);
      const hours = overlapHours(Date.parse(upload.initiated), end, d.startMs);
      if (hours > 0) use(b, METERS.s3Standard, (uploadBytes(upload) / 1024 ** 3) * months(hours));
    }
  }
}
