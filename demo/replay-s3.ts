/**
 * The demo estate's S3 pages for one account: ListBuckets (account-wide) and, for each bucket, its
 * location, tags and lifecycle configuration (the errors S3 answers when it has none).
 */
import type { Account, Bucket } from "./estate.js";
import { apiError, compare, hexOf, isoOf, type PageWriter, type ScopeOf, tagList } from "./replay-pages.js";

/** Writes the S3 calls of one account's buckets (those that exist at the replay's instant). */
export async function writeS3Pages(
  writer: PageWriter,
  global: ScopeOf,
  account: Account,
  buckets: Bucket[],
): Promise<void> {
  const listed = [...buckets].sort((a, b) => compare(a.id, b.id)).map(bucketListing);
  await writer.page(global("s3", "ListBuckets"), [
    {
      Buckets: listed,
      Owner: { DisplayName: `northwind-${account.name}`, ID: hexOf(`${account.id}|owner`, 64) },
    },
  ]);
  for (const bucket of buckets) {
    await writer.page(global("s3", "GetBucketLocation", bucket.id), [
      bucket.region === "us-east-1" ? {} : { LocationConstraint: bucket.region },
    ]);
    await writer.page(
      global("s3", "GetBucketTagging", bucket.id),
      Object.keys(bucket.tags).length > 0
        ? [{ TagSet: tagList(bucket.tags) }]
        : [apiError("NoSuchTagSet", "The TagSet does not exist")],
    );
    await writer.page(
      global("s3", "GetBucketLifecycleConfiguration", bucket.id),
      bucket.lifecycleRules > 0
        ? [{ Rules: lifecycleRules(bucket) }]
        : [apiError("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")],
    );
  }
}

function bucketListing(b: Bucket): object {
  return { Name: b.id, CreationDate: isoOf(b.createdAt), BucketRegion: b.region };
}

const EXPIRING = new Set(["logs", "tmp", "backups", "exports", "scratch"]);

/** The bucket's lifecycle rules: tiering to Standard-IA where it has some, expiry for data that expires. */
function lifecycleRules(b: Bucket): object[] {
  const rules: object[] = [];
  const days = { logs: 90, tmp: 7, backups: 365, exports: 30, scratch: 7 }[b.purpose] ?? 180;
  if (b.infrequentAccessShare > 0) {
    rules.push({
      ID: "tier-to-infrequent-access",
      Filter: { Prefix: "" },
      Status: "Enabled",
      Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }],
      ...(EXPIRING.has(b.purpose) ? { Expiration: { Days: days } } : {}),
    });
  } else {
    rules.push({
      ID: `expire-after-${days}-days`,
      Filter: { Prefix: "" },
      Status: "Enabled",
      Expiration: { Days: days },
    });
  }
  if (b.lifecycleRules >= 2) {
    rules.push({
      ID: "abort-incomplete-uploads",
      Filter: { Prefix: "" },
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  }
  if (b.lifecycleRules >= 3) {
    rules.push({
      ID: "expire-noncurrent-versions",
      Filter: { Prefix: "" },
      Status: b.versioning ? "Enabled" : "Disabled",
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
  }
  return rules;
}
