import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
import { openStore } from "../store/database.js";
import { type CliResult, runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// CloudWatch Logs, DynamoDB and ECR waste rules end to end: resources and CloudWatch datapoints put into
// moto, `finops collect --only inventory,utilization` and `finops analyze` at NOW, both sides of every
// threshold; then log-group-no-retention's set-retention through plan -> approve -> apply.

/**
 * The instant of the run, to the second: collect refuses a later one (it records what AWS answers today),
 * and moto dates what it creates by its clock. Datapoints are put at fixed days before it (moto keeps
 * any date), so the windows do not depend on when the test runs.
 */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const EAST = "us-east-1";
const WEST = "us-west-2";
const DAY_MS = 86_400_000;
const DAY_SECONDS = 86_400;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const MARK = "finops:marked-for";

const CONFIG = `
tags:
  required: []
remediation:
  graceDays: 0
  maxPercentPerRule: 100
rules:
  - id: log-group-no-retention
  - id: stale-log-group
  - id: idle-dynamodb-table
  - id: ecr-no-lifecycle
`;

/** Values put at noon UTC of each day, by days before NOW (1: the day before). */
type Days = [daysAgo: number, value: number][];
const lastDays = (count: number, value: number): Days =>
  Array.from({ length: count }, (_, i) => [i + 1, value]);
/** Noon UTC of the day `ago` days before NOW's day. */
const noonOf = (ago: number) =>
  new Date(Math.floor(NOW.getTime() / DAY_MS) * DAY_MS - ago * DAY_MS + DAY_MS / 2);

interface LogGroupCase {
  region: string;
  retentionDays?: number;
  /** Messages put: their bytes are the group's storedBytes in moto. */
  events?: string[];
  incomingBytes?: Days;
  tags?: Record<string, string>;
}

const LOG_GROUPS: Record<string, LogGroupCase> = {
  // log-group-no-retention (never expires, storedBytes >= 1) and stale-log-group (no IncomingBytes in 30 days).
  "/finops/never-with-data": {
    region: EAST,
    events: ["a first line", "a second line"],
    tags: { team: "logs" },
  },
  "/finops/never-with-data-2": { region: EAST, events: ["one line"] },
  // Never expires but stores nothing: neither rule.
  "/finops/never-empty": { region: EAST },
  // A retention; one byte 30 days ago, the window's first day: not stale.
  "/finops/kept-30": { region: EAST, retentionDays: 30, events: ["kept"], incomingBytes: [[30, 1]] },
  // Busy 31 days ago, outside the window (and outside what collect asks for): stale.
  "/finops/busy-31-days-ago": { region: EAST, retentionDays: 7, events: ["old"], incomingBytes: [[31, 5e6]] },
  // us-west-2 has metrics on 6 days only: no evidence that silence there is real.
  "/finops/west-silent": { region: WEST, retentionDays: 7, events: ["west"] },
  "/finops/west-zero": { region: WEST, retentionDays: 7, events: ["west"], incomingBytes: lastDays(6, 0) },
};

interface TableCase {
  mode: "PROVISIONED" | "PAY_PER_REQUEST";
  /** Mean consumed units a second on each day. */
  reads?: Days;
  writes?: Days;
}

const TABLES: Record<string, TableCase> = {
  // 100 RCU and 20 WCU provisioned: under 10 and 2 units a second is under 10%. A busy day 15 days ago
  // is collected but outside the rule's 14 days.
  "idle-table": {
    mode: "PROVISIONED",
    reads: [...lastDays(14, 9.9), [15, 100]],
    writes: [...lastDays(14, 1.9), [15, 20]],
  },
  "reads-at-10pct": { mode: "PROVISIONED", reads: lastDays(14, 10), writes: lastDays(14, 0) },
  "writes-at-10pct": { mode: "PROVISIONED", reads: lastDays(14, 0), writes: lastDays(14, 2) },
  // No request at all: CloudWatch publishes no datapoint.
  "silent-table": { mode: "PROVISIONED" },
  "on-demand-table": { mode: "PAY_PER_REQUEST" },
};

interface RepositoryCase {
  policy: boolean;
  /** Image sizes in bytes (the manifest's config size, as moto reports imageSizeInBytes). */
  images: number[];
}

const REPOSITORIES: Record<string, RepositoryCase> = {
  "no-policy-one-image": { policy: false, images: [52_428_800] },
  "no-policy-empty": { policy: false, images: [] },
  "with-policy": { policy: true, images: [1_000, 2_000] },
};

const EXPECTED: Record<string, string[]> = {
  "log-group-no-retention": ["/finops/never-with-data", "/finops/never-with-data-2"],
  "stale-log-group": ["/finops/busy-31-days-ago", "/finops/never-with-data", "/finops/never-with-data-2"],
  "idle-dynamodb-table": ["idle-table", "silent-table"],
  "ecr-no-lifecycle": ["no-policy-one-image"],
};

const manifest = (size: number, tag: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size,
      digest: `sha256:${"c".repeat(63)}${tag}`,
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size,
        digest: `sha256:${"a".repeat(63)}${tag}`,
      },
    ],
  });

interface Series {
  region: string;
  namespace: string;
  dimension: string;
  name: string;
  metric: string;
  days: Days;
}

async function seed(endpoint: string): Promise<Series[]> {
  const series: Series[] = [];
  for (const [name, spec] of Object.entries(LOG_GROUPS)) {
    const logs = new CloudWatchLogsClient({ region: spec.region, endpoint, credentials });
    try {
      await logs.send(
        new CreateLogGroupCommand({ logGroupName: name, ...(spec.tags ? { tags: spec.tags } : {}) }),
      );
      if (spec.retentionDays)
        await logs.send(
          new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: spec.retentionDays }),
        );
      if (spec.events) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: "main" }));
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: name,
            logStreamName: "main",
            logEvents: spec.events.map((message, i) => ({ message, timestamp: Date.now() + i })),
          }),
        );
      }
    } finally {
      logs.destroy();
    }
    if (spec.incomingBytes) {
      series.push({
        region: spec.region,
        namespace: "AWS/Logs",
        dimension: "LogGroupName",
        name,
        metric: "IncomingBytes",
        days: spec.incomingBytes,
      });
    }
  }

  const dynamodb = new DynamoDBClient({ region: EAST, endpoint, credentials });
  try {
    for (const [name, spec] of Object.entries(TABLES)) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: spec.mode,
          ...(spec.mode === "PROVISIONED"
            ? { ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 20 } }
            : {}),
        }),
      );
      for (const [metric, days] of [
        ["ConsumedReadCapacityUnits", spec.reads],
        ["ConsumedWriteCapacityUnits", spec.writes],
      ] as const) {
        if (!days) continue;
        const daily: Days = days.map(([ago, perSecond]) => [ago, perSecond * DAY_SECONDS]);
        series.push({
          region: EAST,
          namespace: "AWS/DynamoDB",
          dimension: "TableName",
          name,
          metric,
          days: daily,
        });
      }
    }
  } finally {
    dynamodb.destroy();
  }

  const ecr = new ECRClient({ region: EAST, endpoint, credentials });
  try {
    for (const [name, spec] of Object.entries(REPOSITORIES)) {
      await ecr.send(
        new CreateRepositoryCommand({ repositoryName: name, tags: [{ Key: "team", Value: "build" }] }),
      );
      if (spec.policy) {
        await ecr.send(
          new PutLifecyclePolicyCommand({
            repositoryName: name,
            lifecyclePolicyText: JSON.stringify({
              rules: [
                {
                  rulePriority: 1,
                  selection: {
                    tagStatus: "untagged",
                    countType: "sinceImagePushed",
                    countUnit: "days",
                    countNumber: 14,
                  },
                  action: { type: "expire" },
                },
              ],
            }),
          }),
        );
      }
      for (const [i, size] of spec.images.entries()) {
        const tag = String(i);
        await ecr.send(
          new PutImageCommand({
            repositoryName: name,
            imageTag: `v${tag}`,
            imageManifest: manifest(size, tag),
          }),
        );
      }
    }
  } finally {
    ecr.destroy();
  }

  for (const region of [EAST, WEST]) {
    const cloudwatch = new CloudWatchClient({ region, endpoint, credentials });
    try {
      for (const s of series.filter((x) => x.region === region)) {
        const data: MetricDatum[] = s.days.map(([ago, value]) => ({
          MetricName: s.metric,
          Dimensions: [{ Name: s.dimension, Value: s.name }],
          Timestamp: noonOf(ago),
          Value: value,
        }));
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: s.namespace, MetricData: data }));
      }
    } finally {
      cloudwatch.destroy();
    }
  }
  return series;
}

interface Finding {
  rule: string;
  resourceId: string;
  evidence: Record<string, unknown>;
  team: string;
}

/** The API name of an ARN id: a log group's, table's or repository's. */
const nameOf = (id: string) =>
  id.replace(/^arn:aws:[a-z]+:[a-z0-9-]+:\d{12}:(log-group:|table\/|repository\/)/, "");

describe("CloudWatch Logs, DynamoDB and ECR rules on both sides of every threshold (collected from moto)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let findings: Finding[] = [];
  let collectors: { name: string; status: string; rows: number; region: string }[] = [];

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
      `${EAST},${WEST}`,
    ]);
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  const collectAndAnalyze = async () => {
    const at = ["--now", NOW.toISOString(), "--json"];
    collectors = json<{ collectors: typeof collectors }>(
      await finops(["collect", "--only", "inventory,utilization", ...at]),
    ).collectors;
    findings = json<{ findings: Finding[] }>(await finops(["analyze", ...at])).findings;
  };
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => nameOf(f.resourceId))
      .sort();
  const evidence = (rule: string, name: string) =>
    findings.find((f) => f.rule === rule && nameOf(f.resourceId) === name)?.evidence;

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    await seed(moto.endpoint);
    await collectAndAnalyze();
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("collect: every collector ok; log groups, tables and repositories with their attributes and tags", async () => {
    assert.ok(
      collectors.every((c) => c.status === "ok"),
      JSON.stringify(collectors.filter((c) => c.status !== "ok")),
    );
    const store = await openStore(db);
    try {
      const reader = await store.connection.runAndReadAll(
        `SELECT resource_id, resource_type, region, tags::VARCHAR AS tags, attributes::VARCHAR AS attributes
         FROM resources_current WHERE resource_type IN ('logs:log-group', 'dynamodb:table', 'ecr:repository')
         ORDER BY resource_id`,
      );
      const rows = new Map(
        reader.getRowObjectsJson().map((r) => [
          String(r.resource_id),
          {
            type: String(r.resource_type),
            region: String(r.region),
            tags: JSON.parse(String(r.tags)) as Record<string, string>,
            attributes: JSON.parse(String(r.attributes)) as Record<string, unknown>,
          },
        ]),
      );
      const group = rows.get("arn:aws:logs:us-east-1:123456789012:log-group:/finops/never-with-data");
      assert.deepEqual(group?.tags, { team: "logs" });
      // moto counts a message's characters as its stored bytes.
      assert.deepEqual(group?.attributes, {
        name: "/finops/never-with-data",
        retentionDays: null,
        storedBytes: "a first line".length + "a second line".length,
      });
      assert.equal(
        rows.get("arn:aws:logs:us-east-1:123456789012:log-group:/finops/kept-30")?.attributes.retentionDays,
        30,
      );
      assert.equal(
        rows.get("arn:aws:logs:us-west-2:123456789012:log-group:/finops/west-silent")?.region,
        WEST,
      );
      assert.deepEqual(rows.get("arn:aws:dynamodb:us-east-1:123456789012:table/idle-table")?.attributes, {
        name: "idle-table",
        billingMode: "PROVISIONED",
        readCapacityUnits: 100,
        writeCapacityUnits: 20,
        tableSizeBytes: 0,
      });
      assert.equal(
        rows.get("arn:aws:dynamodb:us-east-1:123456789012:table/on-demand-table")?.attributes.billingMode,
        "PAY_PER_REQUEST",
      );
      const repository = rows.get("arn:aws:ecr:us-east-1:123456789012:repository/no-policy-one-image");
      assert.deepEqual(repository?.attributes, {
        name: "no-policy-one-image",
        hasLifecyclePolicy: false,
        imageCount: 1,
        imageBytes: 52_428_800,
      });
      assert.deepEqual(repository?.tags, { team: "build" });
      assert.deepEqual(rows.get("arn:aws:ecr:us-east-1:123456789012:repository/with-policy")?.attributes, {
        name: "with-policy",
        hasLifecyclePolicy: true,
        imageCount: 2,
        imageBytes: 3_000,
      });
    } finally {
      store.close();
    }
  });

  test("log-group-no-retention: never expires and holds stored bytes", () => {
    assert.deepEqual(flagged("log-group-no-retention"), EXPECTED["log-group-no-retention"]);
    const found = evidence("log-group-no-retention", "/finops/never-with-data");
    assert.equal(found?.storedBytes, 25);
    assert.equal(found?.proposedRetentionDays, 30);
    assert.equal(findings.find((f) => nameOf(f.resourceId) === "/finops/never-with-data")?.team, "logs");
  });

  test("stale-log-group: no IncomingBytes in 30 days, stored bytes, a region with 7 days of metrics", () => {
    assert.deepEqual(flagged("stale-log-group"), EXPECTED["stale-log-group"]);
    assert.deepEqual(evidence("stale-log-group", "/finops/busy-31-days-ago"), {
      // The region's days with metrics in the 30: days 1 to 15 (tables) and 30 (kept-30).
      days: 16,
      incomingBytes: 0,
      storedBytes: 3,
      retentionDays: 7,
    });
  });

  test("idle-dynamodb-table: provisioned, reads and writes under 10% of capacity over 14 days", () => {
    assert.deepEqual(flagged("idle-dynamodb-table"), EXPECTED["idle-dynamodb-table"]);
    const idle = evidence("idle-dynamodb-table", "idle-table");
    assert.equal(idle?.days, 14);
    assert.equal(idle?.meanReadUnitsPerSecond, 9.9);
    assert.equal(idle?.meanWriteUnitsPerSecond, 1.9);
    assert.equal(evidence("idle-dynamodb-table", "silent-table")?.meanReadUnitsPerSecond, 0);
  });

  test("ecr-no-lifecycle: no lifecycle policy, at least one image", () => {
    assert.deepEqual(flagged("ecr-no-lifecycle"), EXPECTED["ecr-no-lifecycle"]);
  });

  // Last: it changes moto.
  test("set-retention through plan -> approve -> apply: marked first, then the rule's 30 days; a retention set since the plan skips the item", async () => {
    const east = new CloudWatchLogsClient({ region: EAST, endpoint: moto.endpoint, credentials });
    const retention = async (name: string) =>
      (await east.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups?.find(
        (g) => g.logGroupName === name,
      )?.retentionInDays;
    const arn = (name: string) => `arn:aws:logs:${EAST}:123456789012:log-group:${name}`;
    interface PlanJson {
      planId: string;
      items: { resourceId: string; action: string; markValue: string | null; retentionDays?: number }[];
    }
    interface ApplyJson {
      results: { resourceId: string; status: string; detail: string }[];
    }
    const planOf = async () =>
      json<PlanJson>(await finops(["plan", "--json", "--rule", "log-group-no-retention"]));
    const approveAndApply = async (planId: string) => {
      assert.equal((await finops(["approve", planId, "--by", "alice"])).code, 0);
      return json<ApplyJson>(await finops(["apply", planId, "--json"])).results;
    };
    try {
      const first = await planOf();
      assert.deepEqual(
        first.items.map((i) => [nameOf(i.resourceId), i.action]),
        EXPECTED["log-group-no-retention"]?.map((name) => [name, "mark"]),
      );
      assert.match(
        first.items[0]?.markValue ?? "",
        /^log-group-no-retention:set-retention@\d{4}-\d{2}-\d{2}$/,
      );
      const marked = await approveAndApply(first.planId);
      assert.deepEqual(
        marked.map((r) => r.status),
        ["done", "done"],
      );
      const tags = (
        await east.send(new ListTagsForResourceCommand({ resourceArn: arn("/finops/never-with-data") }))
      ).tags;
      assert.match(tags?.[MARK] ?? "", /^log-group-no-retention:set-retention@/);
      assert.equal(tags?.team, "logs", "the group's other tags are kept");

      // The marks are due (graceDays 0): the action itself, with the rule's retention.
      await collectAndAnalyze();
      const second = await planOf();
      assert.deepEqual(
        second.items.map((i) => [nameOf(i.resourceId), i.action, i.retentionDays]),
        EXPECTED["log-group-no-retention"]?.map((name) => [name, "set-retention", 30]),
      );
      // Between plan and apply, someone sets a retention on one of them.
      await east.send(
        new PutRetentionPolicyCommand({ logGroupName: "/finops/never-with-data-2", retentionInDays: 14 }),
      );
      const results = new Map((await approveAndApply(second.planId)).map((r) => [nameOf(r.resourceId), r]));
      assert.equal(results.get("/finops/never-with-data")?.status, "done");
      assert.equal(results.get("/finops/never-with-data")?.detail, "retention set to 30 days");
      assert.equal(await retention("/finops/never-with-data"), 30);
      assert.equal(results.get("/finops/never-with-data-2")?.status, "skipped");
      assert.match(
        results.get("/finops/never-with-data-2")?.detail ?? "",
        /never expires → retention 14 days/,
      );
      assert.equal(await retention("/finops/never-with-data-2"), 14, "the owner's retention is left as set");
    } finally {
      east.destroy();
    }
  });
});

/**
 * A proxy to moto that refuses CloudWatch Logs' DescribeLogGroups as AWS refuses a caller without the
 * permission (a JSON-protocol AccessDeniedException), and passes everything else through.
 */
async function refusingLogs(upstream: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers["x-amz-target"] === "Logs_20140328.DescribeLogGroups") {
      response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
      response.end(
        JSON.stringify({
          __type: "AccessDeniedException",
          message:
            "User: arn:aws:iam::123456789012:user/finops is not authorized to perform: logs:DescribeLogGroups",
        }),
      );
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([k, v]) => typeof v === "string" && k !== "host"),
    ) as Record<string, string>;
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(`${upstream}${request.url}`, { method: request.method, headers, body });
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("a refused CloudWatch Logs fails its collector only (against moto)", () => {
  const dir = tempDir();
  let moto: Moto;
  let proxy: { endpoint: string; close(): Promise<void> };
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("inventory:log-groups fails naming the permissions it needs; the tables are kept", async () => {
    moto = await startMoto();
    proxy = await refusingLogs(moto.endpoint);
    const dynamodb = new DynamoDBClient({ region: EAST, endpoint: moto.endpoint, credentials });
    await dynamodb.send(
      new CreateTableCommand({
        TableName: "kept",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    dynamodb.destroy();
    const db = join(dir.path, "finops.duckdb");
    const result = await runFinops(
      [
        "collect",
        "--only",
        "inventory",
        "--regions",
        EAST,
        "--endpoint-url",
        proxy.endpoint,
        "--db",
        db,
        "--json",
      ],
      { AWS_MAX_ATTEMPTS: "1" },
    );
    assert.equal(result.code, 1, "a failed collector fails the run");
    const reports = (
      JSON.parse(result.stdout) as {
        collectors: { name: string; status: string; rows: number; error?: string }[];
      }
    ).collectors;
    const logs = reports.find((r) => r.name === "inventory:log-groups");
    assert.equal(logs?.status, "failed");
    assert.match(
      logs?.error ?? "",
      /^AccessDeniedException: .*\(the collector needs logs:DescribeLogGroups, logs:ListTagsForResource: see finops iam-policy --role collector\)$/,
    );
    const tables = reports.find((r) => r.name === "inventory:dynamodb-tables");
    assert.deepEqual([tables?.status, tables?.rows], ["ok", 1]);
    assert.ok(
      reports.filter((r) => r.name !== "inventory:log-groups").every((r) => r.status === "ok"),
      JSON.stringify(reports),
    );
  });
});
