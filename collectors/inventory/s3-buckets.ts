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
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListPartsCommand,
  type ListPartsCommandOutput,
  S3Client,
} from "@aws-sdk/client-s3";
import { clientFor } from "../../aws/clients.js";
import type { PageScope } from "../../aws/pages.js";
import { s3Bucket } from "../../resources/s3-bucket.js";
import { allPages, errorName, mapLimit, onePage } from "./calls.js";
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
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
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
        const at = (operation: string, part = bucket.name): PageScope => ({
          account: scope.account,
          region: GLOBAL,
          service: "s3",
          operation,
          part,
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

        const multipartUploads = await incompleteUploads(scope, client, bucket.name, at);

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
            multipartUploads,
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

/** An incomplete multipart upload, as the s3-incomplete-multipart rule reads it. */
export interface MultipartUpload {
  /** When it began, ISO 8601. */
  initiated: string | null;
  /** The bytes of the parts uploaded so far: S3 bills them as stored until the upload is aborted. */
  bytes: number;
}

/**
 * A bucket's incomplete multipart uploads with the bytes of their parts (ListMultipartUploads, then
 * ListParts for each upload), every page of both. ListMultipartUploads continues from two markers: they
 * travel as one token, a JSON pair.
 */
async function incompleteUploads(
  scope: CollectScope,
  client: S3Client,
  bucket: string,
  at: (operation: string, part?: string) => PageScope,
): Promise<MultipartUpload[]> {
  const listed = await allPages<ListMultipartUploadsCommandOutput>(
    scope,
    at("ListMultipartUploads"),
    async (token) => {
      const [KeyMarker, UploadIdMarker] = token ? (JSON.parse(token) as [string, string]) : [];
      const page = await client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker, UploadIdMarker }),
      );
      const next = page.IsTruncated
        ? JSON.stringify([page.NextKeyMarker ?? "", page.NextUploadIdMarker ?? ""])
        : undefined;
      return { page, next };
    },
  );
  const uploads: MultipartUpload[] = [];
  for (const upload of listed.flatMap((page) => page.Uploads ?? [])) {
    if (!upload.Key || !upload.UploadId) continue;
    const { Key, UploadId } = upload;
    let parts: ListPartsCommandOutput[];
    try {
      parts = await allPages<ListPartsCommandOutput>(
        scope,
        at("ListParts", `${bucket}/${UploadId}`),
        async (token) => {
          const page = await client.send(
            new ListPartsCommand({ Bucket: bucket, Key, UploadId, PartNumberMarker: token }),
          );
          return { page, next: page.IsTruncated ? page.NextPartNumberMarker : undefined };
        },
      );
    } catch (error) {
      // Completed or aborted since it was listed: no longer incomplete.
      if (errorName(error) === "NoSuchUpload") continue;
      throw error;
    }
    const bytes = parts.flatMap((page) => page.Parts ?? []).reduce((sum, part) => sum + (part.Size ?? 0), 0);
    uploads.push({ initiated: iso(upload.Initiated), bytes });
  }
  return uploads;
}
