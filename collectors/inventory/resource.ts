import type { AwsCredentials, AwsOptions } from "../../aws/clients.js";
import type { PageSource } from "../../aws/pages.js";

/**
 * One resource as an inventory collector saw it: the row of `finops resources`. Type names are the
 * contract's: ec2:instance, ec2:volume, ec2:snapshot, ec2:elastic-ip, ec2:nat-gateway, s3:bucket, and
 * service:type (as in the ARN) for anything else the Tagging API reports.
 */
export interface ResourceRecord {
  resourceId: string;
  resourceType: string;
  account: string;
  region: string;
  /** running, stopped, available, in-use, associated, ... as the API says; null where it has none. */
  state: string | null;
  /** When the resource entered its state, where the API tells (an instance's state transition). */
  stateSince: string | null;
  /** ISO 8601 creation (launch, create, start) time, where the API tells. */
  createdAt: string | null;
  tags: Record<string, string>;
  /** Everything else a rule may need (type, size, attachments, ...): kept as JSON. */
  attributes: Record<string, unknown>;
}

/** What a collector works with for one account and region. */
export interface CollectScope {
  account: string;
  region: string;
  pages: PageSource;
  aws: AwsOptions;
  /** Credentials for the account (an assumed role); undefined: the SDK's default chain. */
  credentials?: AwsCredentials;
  now: Date;
}

export interface InventoryCollector {
  /** The collector's name in `collect --json` and collector_runs, e.g. "inventory:ec2-instances". */
  name: string;
  /** Account-wide APIs (S3's ListBuckets) run once per account, from its first region. */
  scope: "regional" | "account";
  /** The IAM actions its API calls need: `finops iam-policy --role collector` is built from these. */
  iamActions: readonly string[];
  collect(scope: CollectScope): Promise<ResourceRecord[]>;
}

/** AWS tag lists ([{Key, Value}]) as an object. */
export function tagObject(
  tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key) result[tag.Key] = tag.Value ?? "";
  return result;
}

export function iso(value: Date | string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
