import { sqlLiteral } from "../core/sql.js";
import type { ArnShape, ResourceDescriptor } from "./types.js";

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and account may be empty). */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** What comes before the first "/" or ":" of RESOURCE; undefined when RESOURCE is a bare id. */
  type: string | undefined;
  id: string;
}

export function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  // API Gateway's RESOURCE is a path: "/restapis/ID".
  const resource = parts.slice(5).join(":").replace(/^\//, "");
  if (!service || !resource) return null;
  const separator = untyped(service.toLowerCase(), account) ? -1 : resource.search(/[/:]/);
  return separator > 0
    ? {
        partition,
        service,
        region,
        account,
        type: resource.slice(0, separator),
        id: resource.slice(separator + 1),
      }
    : { partition, service, region, account, type: undefined, id: resource };
}

/**
 * SNS topics, SQS queues and S3 buckets (the S3 ARNs with no account: access points have one) are named
 * with no type: "topic:subscription" or a bucket "name:x" is no type and id.
 */
function untyped(service: string, account: string): boolean {
  return service === "sns" || service === "sqs" || (service === "s3" && !account);
}

/** Whether a parsed ARN has the shape of the descriptor's ARNs (service and type word). */
export function arnMatches(shape: ArnShape, parsed: ParsedArn): boolean {
  return parsed.service.toLowerCase() === shape.service && parsed.type === shape.arnType;
}

/** What comes between the ARN's account and the resource's name: `volume/`, `db:`, or nothing. */
function typePrefix(shape: ArnShape): string {
  return shape.arnType === undefined ? "" : `${shape.arnType}${shape.separator ?? "/"}`;
}

/**
 * The ARN of a resource of the descriptor's type (partition aws, as billing names it). `id` is the
 * resource's id, or for a type whose id is its ARN the name AWS's API gives it (arnName's inverse).
 */
export function arnOf(
  descriptor: ResourceDescriptor,
  resource: { region: string; account: string; id: string },
): string {
  const { service, scope } = descriptor.arn;
  if (descriptor.arn.idIsArn && resource.id.startsWith("arn:")) return resource.id;
  const where =
    scope === "regional"
      ? `${resource.region}:${resource.account}`
      : scope === "account"
        ? `:${resource.account}`
        : ":";
  return `arn:aws:${service}:${where}:${typePrefix(descriptor.arn)}${resource.id}`;
}

/** arnOf as SQL over the columns region, account and resource_id of the row aliased `alias`. */
export function arnSql(descriptor: ResourceDescriptor, alias: string): string {
  const { service, scope } = descriptor.arn;
  if (descriptor.arn.idIsArn) return `${alias}.resource_id`;
  const head =
    scope === "regional"
      ? `${sqlLiteral(`arn:aws:${service}:`)} || ${alias}.region || ':' || ${alias}.account || ${sqlLiteral(`:${typePrefix(descriptor.arn)}`)}`
      : scope === "account"
        ? `${sqlLiteral(`arn:aws:${service}::`)} || ${alias}.account || ${sqlLiteral(`:${typePrefix(descriptor.arn)}`)}`
        : sqlLiteral(`arn:aws:${service}:::${typePrefix(descriptor.arn)}`);
  return `${head} || ${alias}.resource_id`;
}

/**
 * The name AWS's APIs and CloudWatch give a resource: its id, or for a type whose id is its ARN the
 * ARN's id part (arn:aws:dynamodb:...:table/orders -> orders).
 */
export function arnName(descriptor: ResourceDescriptor, id: string): string {
  if (!descriptor.arn.idIsArn) return id;
  return parseArn(id)?.id ?? id;
}

/**
 * A resource's ARN as the store keeps it: CloudWatch Logs and the Tagging API name a log group
 * `...:log-group:NAME:*` where billing and DescribeLogGroups' logGroupArn say `...:log-group:NAME`.
 */
export function canonicalArn(arn: string): string {
  return arn.replace(/:\*$/, "");
}
