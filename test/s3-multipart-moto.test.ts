import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { replayPages, scopeDir } from "../aws/record-replay.js";
import { s3Buckets } from "../collectors/inventory/s3-buckets.js";
import { ABORT_RULE_ID } from "../remediation/executors/s3-bucket.js";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// s3-incomplete-multipart end to end: buckets with and without incomplete multipart uploads in moto,
// `finops collect` and `finops analyze` on both sides of the age threshold, then the bucket lifecycle
// rule through plan -> approve -> apply.

/**
 * moto 5.2.5 answers ListMultipartUploads with a fixed Initiated, 2010-11-10T20:48:33.000Z, whenever the
 * upload began: the age side is tested by evaluating at instants 7 days after it, and 7 days and a
 * minute after it (collect and analyze take such a past --now).
 */
const INITIATED = "2010-11-10T20:48:33.000Z";
const SEVEN_DAYS = new Date(Date.parse(INITIATED) + 7 * 86_400_000);
const SEVEN_DAYS_AND_A_MINUTE = new Date(SEVEN_DAYS.getTime() + 60_000);
const REGION = "us-east-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const MARK = "finops:marked-for";

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: s3-incomplete-multipart
    action: add-lifecycle-rule
`;

const EXISTING_RULE = {
  ID: "expire-logs",
  Status: "Enabled" as const,
  Filter: { Prefix: "logs/" },
  Expiration: { Days: 90 },
};

describe("s3-incomplete-multipart (collected from moto) and the bucket lifecycle rule executor", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let s3: S3Client;

  const finops = (args: string[]) =>
    runFinops([
      ...args,
      "--db",
      db,
      "--config",
      config,
      "--endpoint-url",
      moto.endpoint,
      "--regions",
      REGION,
    ]);
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  const collect = async (now: Date) =>
    json<{ collectors: { name: string; status: string }[] }>(
      await finops(["collect", "--only", "inventory,utilization", "--now", now.toISOString(), "--json"]),
    ).collectors;
  const flagged = async (now: Date) =>
    json<{ findings: { rule: string; resourceId: string; evidence: Record<string, unknown> }[] }>(
      await finops(["analyze", "--now", now.toISOString(), "--json"]),
    ).findings.filter((f) => f.rule === "s3-incomplete-multipart");
  /** Starts an upload of `parts` parts of these sizes, never completed. */
  const upload = async (bucket: string, key: string, sizes: number[]) => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    for (const [i, size] of sizes.entries()) {
      await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: i + 1,
          Body: Buffer.alloc(size, 1),
        }),
      );
    }
  };
  const rules = async (bucket: string) =>
    (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials });
    for (const bucket of ["uploads", "already-ruled", "no-uploads"]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: "uploads",
        Tagging: {
          TagSet: [
            { Key: "team", Value: "data" },
            { Key: "env", Value: "prod" },
          ],
        },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "uploads",
        LifecycleConfiguration: { Rules: [EXISTING_RULE] },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "already-ruled",
        LifecycleConfiguration: {
          Rules: [
            {
              ID: ABORT_RULE_ID,
              Status: "Enabled",
              Filter: { Prefix: "" },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      }),
    );
    await upload("uploads", "big/one.bin", [1000, 2345]);
    await upload("uploads", "big/two.bin", [500]);
    await upload("already-ruled", "x.bin", [10]);
  });
  after(async () => {
    s3?.destroy();
    await moto?.stop();
    dir.remove();
  });

  test("collect: each bucket's incomplete uploads with the bytes of their parts", async () => {
    const collectors = await collect(SEVEN_DAYS);
    assert.ok(
      collectors.every((c) => c.status === "ok"),
      JSON.stringify(collectors),
    );
    const store = await openStore(db);
    try {
      const reader = await store.connection.runAndReadAll(
        `SELECT resource_id, json_extract(attributes, '$.multipartUploads')::VARCHAR AS uploads
         FROM resources_current WHERE resource_type = 's3:bucket' ORDER BY resource_id`,
      );
      const uploads = Object.fromEntries(
        reader.getRowObjectsJson().map((r) => [String(r.resource_id), JSON.parse(String(r.uploads))]),
      );
      assert.deepEqual(uploads, {
        "already-ruled": [{ initiated: INITIATED, bytes: 10 }],
        "no-uploads": [],
        uploads: [
          { initiated: INITIATED, bytes: 3345 },
          { initiated: INITIATED, bytes: 500 },
        ],
      });
    } finally {
      store.close();
    }
  });

  test("s3-incomplete-multipart: uploads begun 7 days ago are not flagged; 7 days and a minute ago are", async () => {
    assert.deepEqual(await flagged(SEVEN_DAYS), []);
    const found = await flagged(SEVEN_DAYS_AND_A_MINUTE);
    assert.deepEqual(found.map((f) => f.resourceId).sort(), ["already-ruled", "uploads"]);
    // No bill names the buckets: the estimate at S3 Standard's price is in the evidence.
    assert.deepEqual(found.find((f) => f.resourceId === "uploads")?.evidence, {
      uploads: 2,
      bytes: 3845,
      oldestInitiated: INITIATED,
      usdPerGbMonth: 0.023,
      priceFrom: "S3 Standard list price",
      estimatedMonthlySavings: 0,
    });
  });

  // Last: it changes moto.
  test("add-lifecycle-rule through plan -> approve -> apply: marked first (other tags kept), then the rule added beside the existing ones", async () => {
    interface PlanJson {
      planId: string;
      items: { resourceId: string; action: string; markValue: string | null }[];
    }
    const planOf = async () =>
      json<PlanJson>(await finops(["plan", "--json", "--rule", "s3-incomplete-multipart"]));
    const approveAndApply = async (planId: string) => {
      assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
      return json<{ results: { resourceId: string; status: string; detail: string }[] }>(
        await finops(["apply", planId, "--json"]),
      ).results;
    };
    const first = await planOf();
    assert.deepEqual(
      first.items.map((i) => [i.resourceId, i.action]),
      [
        ["already-ruled", "mark"],
        ["uploads", "mark"],
      ],
    );
    assert.deepEqual(
      (await approveAndApply(first.planId)).map((r) => r.status),
      ["done", "done"],
    );
    const tags = Object.fromEntries(
      ((await s3.send(new GetBucketTaggingCommand({ Bucket: "uploads" }))).TagSet ?? []).map((t) => [
        t.Key,
        t.Value,
      ]),
    );
    assert.equal(tags.team, "data");
    assert.equal(tags.env, "prod");
    assert.match(tags[MARK] ?? "", /^s3-incomplete-multipart:add-lifecycle-rule@\d{4}-\d{2}-\d{2}$/);

    // Due (graceDays 0): the rule itself.
    await collect(SEVEN_DAYS_AND_A_MINUTE);
    await flagged(SEVEN_DAYS_AND_A_MINUTE);
    const second = await planOf();
    assert.deepEqual(
      second.items.map((i) => [i.resourceId, i.action]),
      [
        ["already-ruled", "add-lifecycle-rule"],
        ["uploads", "add-lifecycle-rule"],
      ],
    );
    const results = new Map((await approveAndApply(second.planId)).map((r) => [r.resourceId, r]));
    assert.equal(results.get("uploads")?.status, "done");
    assert.match(results.get("uploads")?.detail ?? "", /1 existing rule\(s\) kept/);
    const after = await rules("uploads");
    assert.deepEqual(
      after.map((r) => r.ID),
      ["expire-logs", ABORT_RULE_ID],
    );
    assert.equal(after[0]?.Expiration?.Days, 90, "the existing rule is kept as it was");
    assert.equal(after[1]?.AbortIncompleteMultipartUpload?.DaysAfterInitiation, 7);
    // Already there: nothing written, done.
    assert.equal(results.get("already-ruled")?.status, "done");
    assert.match(results.get("already-ruled")?.detail ?? "", /there already/);
    assert.equal((await rules("already-ruled")).length, 1);
  });
});

describe("S3 multipart uploads from a record folder: both markers as one token, every page of parts", () => {
  const dir = tempDir("finops-multipart-");
  after(() => dir.remove());

  test("ListMultipartUploads and ListParts pages are all read", async () => {
    const folder = join(dir.path, "handmade");
    const account = "123456789012";
    const write = (scope: { operation: string; part?: string }, index: number, page: unknown) => {
      const at = scopeDir(folder, { account, region: "global", service: "s3", ...scope });
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, `page-000${index}.json`), JSON.stringify(page));
    };
    write({ operation: "ListBuckets" }, 1, {
      Buckets: [{ Name: "b", CreationDate: "2024-01-01T00:00:00.000Z" }],
    });
    write({ operation: "GetBucketLocation", part: "b" }, 1, { LocationConstraint: "" });
    write({ operation: "GetBucketTagging", part: "b" }, 1, {
      error: { name: "NoSuchTagSet", message: "none" },
    });
    write({ operation: "GetBucketLifecycleConfiguration", part: "b" }, 1, {
      error: { name: "NoSuchLifecycleConfiguration", message: "none" },
    });
    write({ operation: "ListMultipartUploads", part: "b" }, 1, {
      IsTruncated: true,
      NextKeyMarker: "k1",
      NextUploadIdMarker: "u1",
      Uploads: [{ Key: "k1", UploadId: "u1", Initiated: "2024-02-01T00:00:00.000Z" }],
    });
    write({ operation: "ListMultipartUploads", part: "b" }, 2, {
      IsTruncated: false,
      Uploads: [{ Key: "k2", UploadId: "u2", Initiated: "2024-03-01T00:00:00.000Z" }],
    });
    write({ operation: "ListParts", part: "b/u1" }, 1, {
      IsTruncated: true,
      NextPartNumberMarker: "1",
      Parts: [{ PartNumber: 1, Size: 100 }],
    });
    write({ operation: "ListParts", part: "b/u1" }, 2, {
      IsTruncated: false,
      Parts: [{ PartNumber: 2, Size: 23 }],
    });
    write({ operation: "ListParts", part: "b/u2" }, 1, { IsTruncated: false, Parts: [] });
    const records = await s3Buckets.collect({
      account,
      region: REGION,
      pages: replayPages(folder),
      aws: {},
      now: new Date("2024-04-01T00:00:00Z"),
    });
    assert.deepEqual(records[0]?.attributes.multipartUploads, [
      { initiated: "2024-02-01T00:00:00.000Z", bytes: 123 },
      { initiated: "2024-03-01T00:00:00.000Z", bytes: 0 },
    ]);
  });
});
