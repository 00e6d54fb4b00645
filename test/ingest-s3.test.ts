import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { readSample } from "./helpers/focus-sample.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { FOCUS_SAMPLE, tempDir } from "./helpers/project.js";

describe("finops ingest s3://bucket/prefix (against moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let moto: Moto;
  const ingest = (...args: string[]) =>
    runFinops(["ingest", ...args, "--db", db, "--json"], { AWS_ENDPOINT_URL: moto.endpoint });

  before(async () => {
    moto = await startMoto();
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "billing-exports" }));
    // An export split in two parts, one compressed, beside a manifest that is not billing data.
    const lines = readFileSync(FOCUS_SAMPLE, "utf8").trimEnd().split("\n");
    const [header, ...data] = lines;
    const half = Math.floor(data.length / 2);
    const put = (Key: string, Body: Buffer | string) =>
      s3.send(new PutObjectCommand({ Bucket: "billing-exports", Key, Body }));
    await put("focus/2024-09/part-0001.csv", [header, ...data.slice(0, half)].join("\n"));
    await put("focus/2024-09/part-0002.csv.gz", gzipSync([header, ...data.slice(half)].join("\n")));
    await put("focus/2024-09/manifest.json", JSON.stringify({ parts: 2 }));
    await put("other/unrelated.csv", "a,b\n1,2\n");
    s3.destroy();
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("every object under the prefix is loaded as one load, with the same totals as the file", async () => {
    const result = await ingest("s3://billing-exports/focus/");
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.rowsLoaded, 1000);
    assert.deepEqual(summary.files, [
      "s3://billing-exports/focus/2024-09/part-0001.csv",
      "s3://billing-exports/focus/2024-09/part-0002.csv.gz",
    ]);
    const costs = parseCostsJson(
      (await runFinops(["costs", "--by", "account", "--db", db, "--json"])).stdout,
    );
    const total = costs.reduce((sum, line) => sum + toScaled(line.billedCost), 0n);
    const expected = readSample().rows.reduce((sum, row) => sum + toScaled(row.BilledCost ?? "0"), 0n);
    assert.equal(fromScaled(total), fromScaled(expected));
  });

  test("loading the prefix again replaces, never doubles", async () => {
    const before = (await runFinops(["costs", "--by", "service", "--db", db, "--json"])).stdout;
    const result = await ingest("s3://billing-exports/focus/");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).rowsReplaced, 1000);
    assert.equal((await runFinops(["costs", "--by", "service", "--db", db, "--json"])).stdout, before);
  });

  test("a prefix with no billing files is a usage error", async () => {
    const result = await ingest("s3://billing-exports/nothing-here/");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /s3:\/\/billing-exports\/nothing-here\/: no billing files/);
  });

  test("without files, ingest loads the config's billing.exports and warns of nothing", async () => {
    const config = join(dir.path, "exports.yaml");
    writeFileSync(config, "billing:\n  exports:\n    - s3://billing-exports/focus/\n");
    const result = await ingest("--config", config);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).rowsLoaded, 1000);
    assert.doesNotMatch(result.stderr, /warning/);
  });

  test("without files or billing.exports, ingest is a usage error naming both", async () => {
    const result = await ingest();
    assert.equal(result.code, 2);
    assert.match(result.stderr, /name the billing files .*billing\.exports/);
  });

  test("a prefix outside billing.exports is loaded with a warning that the collector role may not read it", async () => {
    const config = join(dir.path, "exports-other.yaml");
    writeFileSync(config, "billing:\n  exports:\n    - s3://billing-exports/other/\n");
    const result = await ingest("s3://billing-exports/focus/", "--config", config);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /warning: s3:\/\/billing-exports\/focus\/ is not under the config's billing\.exports/,
    );
  });

  test("a bucket that does not exist is a runtime error naming it", async () => {
    const result = await ingest("s3://no-such-bucket/focus/");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /s3:\/\/no-such-bucket\/focus\/: S3 download failed: NoSuchBucket/);
  });
});
