import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, paginateListObjectsV2, S3Client } from "@aws-sdk/client-s3";
import { type AwsOptions, clientConfig } from "../../aws/clients.js";
import { RuntimeError, UsageError } from "../../core/errors.js";

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new UsageError(`${uri}: not an S3 URI (expected s3://bucket/prefix)`);
  return { bucket: match[1], prefix: match[2] ?? "" };
}

// Export folders also hold manifests and status markers that are not billing rows.
const BILLING_OBJECT = /\.(csv|csv\.gz|csv\.zst|parquet|snappy\.parquet|gz\.parquet)$/i;

/**
 * Streams every billing object under an S3 prefix to a local folder (DuckDB's httpfs extension cannot
 * be installed offline, and a local copy lets DuckDB read each file at full speed). Returns the paths.
 */
export async function downloadPrefix(uri: string, targetDir: string, aws: AwsOptions): Promise<string[]> {
  const { bucket, prefix } = parseS3Uri(uri);
  const client = new S3Client(clientConfig(aws));
  const paths: string[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || !BILLING_OBJECT.test(key)) continue;
        const target = join(targetDir, bucket, key);
        await mkdir(dirname(target), { recursive: true });
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new RuntimeError(`s3://${bucket}/${key}: empty response body`);
        await pipeline(response.Body as Readable, createWriteStream(target));
        paths.push(target);
      }
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof RuntimeError) throw error;
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    throw new RuntimeError(`${uri}: S3 download failed: ${name}: ${message}`);
  } finally {
    client.destroy();
  }
  if (paths.length === 0)
    throw new UsageError(`${uri}: no billing files (.csv, .csv.gz, .parquet) under this prefix`);
  return paths.sort();
}

/** True when the URI lies under one of the export prefixes (the only S3 objects the collector role reads). */
export function underExports(uri: string, exports: readonly string[]): boolean {
  const { bucket, prefix } = parseS3Uri(uri);
  return exports.some((entry) => {
    const allowed = parseS3Uri(entry);
    return allowed.bucket === bucket && prefix.startsWith(allowed.prefix);
  });
}
