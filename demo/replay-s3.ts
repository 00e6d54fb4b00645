/**
 * The demo estate's S3 pages for one account: ListBuckets (account-wide) and, for each bucket, its
 * location, tags and lifecycle configuration (the errors S3 answers when it has none), its incomplete
 * multipart uploads (ListMultipartUploads, part: the bucket) and each upload's parts (ListParts, part:
 * "bucket/uploadId").
 */
import type { Account, Bucket, MultipartUpload } from "./estate.js";
import {
  apiError,
  chunks,
  compare,
  hexOf,
  isoOf,
  type PageWriter,
  type ScopeOf,
  tagList,
} from "./replay-pages.js";

/** Writes the S3 calls of one account's buckets (those that exist at the replay's instant). */
export async function writeS3Pages(
  writer: PageWriter,
  global: ScopeOf,
  account: Account,
  buckets: Bucket[],
  size: (apiMaximum: number) => number = (n) => n,
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
    await writeMultipartPages(writer, global, account, bucket, size);
  }
}

/** ListMultipartUploads of a bucket (by key, then upload id) and ListParts of each upload. */
async function writeMultipartPages(
  writer: PageWriter,
  global: ScopeOf,
  account: Account,
  bucket: Bucket,
  size: (apiMaximum: number) => number,
): Promise<void> {
  const owner = { DisplayName: `northwind-${account.name}`, ID: hexOf(`${account.id}|owner`, 64) };
  const uploads = [...bucket.multipartUploads].sort((a, b) =>
    compare(`${a.key}|${a.uploadId}`, `${b.key}|${b.uploadId}`),
  );
  const pages = chunks(uploads, size(1000));
  await writer.page(
    global("s3", "ListMultipartUploads", bucket.id),
    pages.map((page, i) => {
      const previous = pages[i - 1]?.at(-1);
      const last = page.at(-1);
      const truncated = i < pages.length - 1;
      return {
        Bucket: bucket.id,
        KeyMarker: previous?.key ?? "",
        UploadIdMarker: previous?.uploadId ?? "",
        ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
        MaxUploads: size(1000),
        IsTruncated: truncated,
        ...(page.length > 0
          ? {
              Uploads: page.map((u) => ({
                UploadId: u.uploadId,
                Key: u.key,
                Initiated: isoOf(u.initiated),
                StorageClass: "STANDARD",
                Owner: owner,
                Initiator: { ID: owner.ID, DisplayName: owner.DisplayName },
              })),
            }
          : {}),
      };
    }),
  );
  for (const upload of uploads) {
    await writer.page(
      global("s3", "ListParts", `${bucket.id}/${upload.uploadId}`),
      partPages(bucket, upload, owner, size(1000)),
    );
  }
}

function partPages(
  bucket: Bucket,
  upload: MultipartUpload,
  owner: { DisplayName: string; ID: string },
  size: number,
): object[] {
  const parts = upload.partBytes.map((Size, i) => ({
    PartNumber: i + 1,
    LastModified: isoOf(upload.initiated),
    ETag: `"${hexOf(`${upload.uploadId}|part|${i}`, 32)}"`,
    Size,
  }));
  const pages = chunks(parts, size);
  return pages.map((page, i) => ({
    Bucket: bucket.id,
    Key: upload.key,
    UploadId: upload.uploadId,
    PartNumberMarker: String(pages[i - 1]?.at(-1)?.PartNumber ?? 0),
    ...(i < pages.length - 1 ? { NextPartNumberMarker: String(page.at(-1)?.PartNumber ?? 0) } : {}),
    MaxParts: size,
    IsTruncated: i < pages.length - 1,
    Parts: page,
    Initiator: { ID: owner.ID, DisplayName: owner.DisplayName },
    Owner: owner,
    StorageClass: "STANDARD",
  }));
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
