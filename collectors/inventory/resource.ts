import type { AwsCredentials, AwsOptions } from "../../aws/clients.js";
import type { PageSource } from "../../aws/pages.js";
import type { ResourceDescriptor } from "../../resources/types.js";
import type { ResourceRecord } from "../../store/inventory.js";

// The record a collector hands the store is the store's own type: the store never imports a stage.
export type { ResourceRecord } from "../../store/inventory.js";

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
  /** The type it collects, whose records carry its type name; undefined: the Tagging API's, of any type. */
  resource?: ResourceDescriptor;
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
