import {
  GetBucketLifecycleConfigurationCommand,
  type GetBucketLifecycleConfigurationCommandOutput,
  GetBucketLocationCommand,
  type GetBucketLocationCommandOutput,
  GetBucketTaggingCommand,
  type GetBucketTaggingCommandOutput,
  type LifecycleRule,
  ListBucketsCommand,
  type ListBucketsCommandOutput,
  S3Client,
} from "@aws-sdk/client-s3";
import { clientFor } from "../../aws/clients.js";
import type { FetchPage, PageScope } from "../../aws/pages.js";
import { s3Bucket } from "../../resources/s3-bucket.js";
import {
  type CollectScope,
  type InventoryCollector,
  iso,
  type ResourceRecord,
  tagObject,
} from "./resource.js";

/** How many buckets are looked at (location, tags, lifecycle) at once. */
const BUCKET_CONCURRENCY = 8;

/** The region of account-wide calls in a record folder. */
const GLOBAL = "global";

/** What a bucket's lifecycle rule does, as far as the waste rules care. */
export interface LifecycleRuleSummary {
  id: string | null;
  status: string | null;
  hasExpiration: boolean;
  hasTransition: boolean;
  hasNoncurrentVersionExpiration: boolean;
  hasAbortIncompleteMultipartUpload: boolean;
}

/**
 * S3 buckets, once per account (ListBuckets is account-wide): each with its region, tags and lifecycle
 * rules. A bucket without tags or without a lifecycle configuration is normal, not a failure.
 */
export const s3Buckets: InventoryCollector = {
  name: "inventory:s3-buckets",
  resource: s3Bucket,
  scope: "account",
  iamActions: [
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketTagging",
    "s3:GetLifecycleConfiguration",
  ],
  async collect(scope) {
    const listClient = clientFor(S3Client, scope);
    const regional = new Map<string, S3Client>();
    const clientIn = (region: string): S3Client => {
      let client = regional.get(region);
      if (!client) {
        client = region === scope.region ? listClient : clientFor(S3Client, scope, region);
        regional.set(region, client);
      }
      return client;
    };
    try {
      const buckets: { name: string; createdAt: string | null }[] = [];
      const pages = scope.pages.pages<ListBucketsCommandOutput>(
        { account: scope.account, region: GLOBAL, service: "s3", operation: "ListBuckets" },
        async (token) => {
          const page = await listClient.send(new ListBucketsCommand({ ContinuationToken: token }));
          return { page, next: page.ContinuationToken };
        },
      );
      for await (const page of pages) {
        for (const bucket of page.Buckets ?? []) {
          if (bucket.Name) buckets.push({ name: bucket.Name, createdAt: iso(bucket.CreationDate) });
        }
      }
      buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

      const records = await mapLimit(buckets, BUCKET_CONCURRENCY, async (bucket) => {
        const at = (operation: string): PageScope => ({
          account: scope.account,
          region: GLOBAL,
          service: "s3",
          operation,
          part: bucket.name,
        });
        let region: string;
        try {
          const location = await onePage<GetBucketLocationCommandOutput>(
            scope,
            at("GetBucketLocation"),
            async () => ({
              page: await listClient.send(new GetBucketLocationCommand({ Bucket: bucket.name })),
            }),
          );
          region = bucketRegion(location?.LocationConstraint);
        } catch (error) {
          // Deleted between ListBuckets and now: it is no longer part of the inventory.
          if (errorName(error) === "NoSuchBucket") return null;
          throw error;
        }
        const client = clientIn(region);

        let tags: Record<string, string> = {};
        try {
          const tagging = await onePage<GetBucketTaggingCommandOutput>(
            scope,
            at("GetBucketTagging"),
            async () => ({
              page: await client.send(new GetBucketTaggingCommand({ Bucket: bucket.name })),
            }),
          );
          tags = tagObject(tagging?.TagSet);
        } catch (error) {
          if (errorName(error) !== "NoSuchTagSet") throw error;
        }

        let rules: LifecycleRuleSummary[] | null = null;
        try {
          const lifecycle = await onePage<GetBucketLifecycleConfigurationCommandOutput>(
            scope,
            at("GetBucketLifecycleConfiguration"),
            async () => ({
              page: await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket.name })),
            }),
          );
          rules = (lifecycle?.Rules ?? []).map(summarizeRule);
        } catch (error) {
          if (errorName(error) !== "NoSuchLifecycleConfiguration") throw error;
        }

        const record: ResourceRecord = {
          resourceId: bucket.name,
          resourceType: s3Bucket.type,
          account: scope.account,
          region,
          state: null,
          stateSince: null,
          createdAt: bucket.createdAt,
          tags,
          attributes: {
            lifecycleRules: rules?.length ?? 0,
            lifecycle: rules ? { rules } : null,
          },
        };
        return record;
      });
      return records.filter((record): record is ResourceRecord => record !== null);
    } finally {
      for (const client of new Set([listClient, ...regional.values()])) client.destroy();
    }
  },
};

/** GetBucketLocation's LocationConstraint as a region: none means us-east-1, the legacy "EU" eu-west-1. */
export function bucketRegion(constraint: string | null | undefined): string {
  if (!constraint) return "us-east-1";
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

export function summarizeRule(rule: LifecycleRule): LifecycleRuleSummary {
  const expiration = rule.Expiration;
  return {
    id: rule.ID ?? null,
    status: rule.Status ?? null,
    // An expiration that only removes expired delete markers does not expire objects.
    hasExpiration: Boolean(expiration && (expiration.Days !== undefined || expiration.Date !== undefined)),
    hasTransition: (rule.Transitions ?? []).length > 0,
    hasNoncurrentVersionExpiration: rule.NoncurrentVersionExpiration !== undefined,
    hasAbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload !== undefined,
  };
}

/** The one page of an unpaginated call (undefined when a replay folder has none). */
async function onePage<P>(scope: CollectScope, at: PageScope, fetch: FetchPage<P>): Promise<P | undefined> {
  let first: P | undefined;
  for await (const page of scope.pages.pages<P>(at, fetch)) first ??= page;
  return first;
}

/** The error's name: the AWS error code for SDK errors and for errors replayed from a record. */
function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Maps items with at most `limit` calls in flight; results keep the items' order. After a failure no
 * new item is started, and the first failure is thrown once the calls in flight have ended.
 */
async function mapLimit<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
