import type { ResourceDescriptor } from "./types.js";

export const s3Bucket: ResourceDescriptor = {
  type: "s3:bucket",
  displayName: { one: "S3 bucket", many: "S3 buckets" },
  // S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens (older buckets may
  // hold capitals and underscores).
  id: { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/, example: "acme-logs-eu-west-1" },
  arn: { service: "s3", arnType: undefined, scope: "global" },
  // No price basis: a bucket's cost is its stored bytes, which inventory lacks.
  attributes: {
    lifecycleRules: "BIGINT",
    /** Its incomplete multipart uploads: when each began (ISO 8601) and the bytes of its uploaded parts. */
    multipartUploads: [{ initiated: "VARCHAR", bytes: "BIGINT" }],
  },
  metrics: {
    namespace: "AWS/S3",
    dimension: "BucketName",
    metrics: [
      {
        metric: "BucketSizeBytes",
        stat: "Average",
        extra: [{ Name: "StorageType", Value: "StandardStorage" }],
      },
      {
        metric: "NumberOfObjects",
        stat: "Average",
        extra: [{ Name: "StorageType", Value: "AllStorageTypes" }],
      },
    ],
  },
  consoleUrl: (region, id) =>
    `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(id)}?region=${encodeURIComponent(region)}`,
};
