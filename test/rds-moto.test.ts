import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateDBInstanceCommand, RDSClient, StopDBInstanceCommand } from "@aws-sdk/client-rds";
import { runFinops } from "./helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "./helpers/counting-proxy.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";

// The RDS rule kinds end to end: databases and their DatabaseConnections datapoints put into moto, then
// `finops collect --only inventory,utilization` and `finops analyze`, both at NOW, on both sides of every
// threshold; and a collection whose DescribeDBInstances AWS refuses.

/** A fixed instant: moto keeps datapoints of any date; collect reads the 30 whole UTC days before NOW's day. */
const NOW = new Date("2025-03-15T00:00:00Z");
const REGION = "us-east-1";
const DAY_MS = 86_400_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Datapoints of one metric: per day (1 = the day before NOW), the values put at noon UTC that day. */
type Days = [daysAgo: number, values: number[]][];
const lastDays = (count: number, ...values: number[]): Days =>
  Array.from({ length: count }, (_, i) => [i + 1, values]);
const noonOf = (ago: number) => new Date(NOW.getTime() - ago * DAY_MS + DAY_MS / 2);

interface DbCase {
  instanceClass?: string;
  storageType?: "gp2" | "gp3";
  allocatedStorage?: number;
  multiAz?: boolean;
  tags?: Record<string, string>;
  stopped?: boolean;
  connections?: Days;
}

const DATABASES: Record<string, DbCase> = {
  // idle-rds-instance: available, the highest daily maximum of DatabaseConnections 0 over 14 days, with
  // at least 7 days of data. A busy day 15 days ago is collected but outside the 14 days; NOW's own day
  // is not collected (it is not over).
  "idle-14d": {
    connections: [...lastDays(14, 0), [15, [40]], [0, [40]]],
  },
  "one-connection": { connections: lastDays(14, 0).map(([ago, v]) => [ago, ago === 9 ? [0, 1] : v]) },
  "idle-7d": { connections: lastDays(7, 0) },
  "idle-6d": { connections: lastDays(6, 0) },
  "idle-stopped": { stopped: true, connections: lastDays(14, 0) },
  // rds-previous-generation: db.m4, db.r4, db.t2 (and older) classes.
  "class-m4": { instanceClass: "db.m4.large" },
  "class-t2": { instanceClass: "db.t2.micro" },
  "class-m5": { instanceClass: "db.m5.large" },
  // rds-gp2-storage: gp2 whose 3 IOPS per GiB gp3's included 12,000 match (up to 4,000 GiB).
  "gp2-4000": { storageType: "gp2", allocatedStorage: 4000 },
  "gp2-4001": { storageType: "gp2", allocatedStorage: 4001 },
  // rds-multi-az-nonprod: Multi-AZ outside production (tag environment, not prod/production).
  "maz-staging": { multiAz: true, tags: { environment: "staging" } },
  "maz-production": { multiAz: true, tags: { environment: "Production" } },
  "saz-staging": { multiAz: false, tags: { environment: "staging" } },
};

/** Databases that match no rule, enough to make DescribeDBInstances answer in two pages of 100. */
const FILLERS = 90;

const EXPECTED: Record<string, string[]> = {
  "idle-rds-instance": ["idle-14d", "idle-7d"],
  "rds-previous-generation": ["class-m4", "class-t2"],
  "rds-gp2-storage": ["gp2-4000"],
  "rds-multi-az-nonprod": ["maz-staging"],
};

const CONFIG = `tags:\n  required: []\nrules:\n${Object.keys(EXPECTED)
  .map((id) => `  - id: ${id}\n`)
  .join("")}`;

async function createDatabase(rds: RDSClient, name: string, spec: DbCase): Promise<void> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: name,
      DBInstanceClass: spec.instanceClass ?? "db.t3.micro",
      Engine: "postgres",
      MasterUsername: "admin",
      MasterUserPassword: "not-a-secret-1",
      StorageType: spec.storageType ?? "gp3",
      AllocatedStorage: spec.allocatedStorage ?? 20,
      MultiAZ: spec.multiAz ?? false,
      Tags: Object.entries({ Name: name, ...spec.tags }).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  if (spec.stopped) await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: name }));
}

async function seed(endpoint: string): Promise<void> {
  const rds = new RDSClient({ region: REGION, endpoint, credentials });
  const cloudwatch = new CloudWatchClient({ region: REGION, endpoint, credentials });
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials });
  try {
    for (const [name, spec] of Object.entries(DATABASES)) {
      await createDatabase(rds, name, spec);
      if (!spec.connections) continue;
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "AWS/RDS",
          MetricData: spec.connections.map(([ago, values]) => ({
            MetricName: "DatabaseConnections",
            Dimensions: [{ Name: "DBInstanceIdentifier", Value: name }],
            Timestamp: noonOf(ago),
            Values: values,
          })),
        }),
      );
    }
    for (let i = 0; i < FILLERS; i++) await createDatabase(rds, `filler-${i}`, {});
    // An EC2 instance: another collector's rows, kept when the RDS collector is refused.
    await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-12c6146b",
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
      }),
    );
  } finally {
    rds.destroy();
    cloudwatch.destroy();
    ec2.destroy();
  }
}

interface Report {
  name: string;
  status: string;
  rows: number;
  apiCalls: number;
  error?: string;
}

describe("RDS rules on both sides of every threshold (collected from moto)", () => {
  const dir = tempDir();
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  let proxy: CountingProxy;
  let collectors: Report[] = [];
  let findings: { rule: string; resourceId: string; evidence: Record<string, unknown> }[] = [];

  const nameOf = (arn: string) => arn.split(":db:")[1] ?? arn;
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => nameOf(f.resourceId))
      .sort();
  const finops = (args: string[], db: string) =>
    runFinops(
      [...args, "--regions", REGION, "--endpoint-url", proxy.endpoint, "--db", db, "--config", config],
      { AWS_MAX_ATTEMPTS: "1" },
    );

  before(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    writeFileSync(config, CONFIG);
    await seed(moto.endpoint);
    const db = join(dir.path, "finops.duckdb");
    const at = ["--now", NOW.toISOString(), "--json"];
    const collect = await finops(["collect", "--only", "inventory,utilization", ...at], db);
    assert.equal(collect.code, 0, collect.stderr);
    collectors = JSON.parse(collect.stdout).collectors;
    const analyze = await finops(["analyze", ...at], db);
    assert.equal(analyze.code, 0, analyze.stderr);
    findings = JSON.parse(analyze.stdout).findings;
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    dir.remove();
  });

  test("every database is collected, every page of DescribeDBInstances followed", () => {
    const rds = collectors.find((c) => c.name === "inventory:rds-instances");
    assert.equal(rds?.status, "ok", JSON.stringify(rds));
    assert.equal(rds?.rows, Object.keys(DATABASES).length + FILLERS);
    assert.equal(rds?.apiCalls, 2);
    const describes = proxy.requests.filter((r) => r.body.includes("Action=DescribeDBInstances"));
    assert.equal(describes.length, 2);
    assert.match(describes[0]?.body ?? "", /MaxRecords=100/);
    assert.match(describes[1]?.body ?? "", /Marker=/);
  });

  test("utilization stores one DatabaseConnections day per datapoint day in the 30 days before NOW", () => {
    const days = Object.values(DATABASES).reduce(
      (sum, spec) => sum + (spec.connections ?? []).filter(([ago]) => ago >= 1 && ago <= 30).length,
      0,
    );
    const utilization = collectors.find((c) => c.name === "utilization:cloudwatch");
    assert.equal(utilization?.status, "ok");
    assert.equal(utilization?.rows, days);
  });

  for (const [rule, expected] of Object.entries(EXPECTED)) {
    test(`${rule} flags exactly ${expected.join(", ")}`, () => {
      assert.deepEqual(flagged(rule), expected);
    });
  }

  test("the evidence holds the collected figures", () => {
    const evidence = (rule: string, name: string) =>
      findings.find((f) => f.rule === rule && nameOf(f.resourceId) === name)?.evidence;
    assert.deepEqual(evidence("idle-rds-instance", "idle-14d"), { days: 14, maxConnections: 0 });
    assert.deepEqual(evidence("rds-previous-generation", "class-t2"), { instanceClass: "db.t2.micro" });
    assert.deepEqual(evidence("rds-gp2-storage", "gp2-4000"), {
      storageType: "gp2",
      allocatedStorageGiB: 4000,
      multiAz: false,
      gp2Iops: 12000,
      gp3Iops: 12000,
    });
    assert.deepEqual(evidence("rds-multi-az-nonprod", "maz-staging"), {
      multiAz: true,
      environment: "staging",
    });
    assert.match(
      findings.find((f) => f.rule === "idle-rds-instance")?.resourceId ?? "",
      /^arn:aws:rds:us-east-1:\d{12}:db:/,
    );
  });

  test("DescribeDBInstances refused: that collector fails naming rds:DescribeDBInstances; the others' rows are kept; exit 1", async () => {
    proxy.failWith = {
      target: "POST /",
      bodyIncludes: "Action=DescribeDBInstances",
      status: 403,
      contentType: "text/xml",
      body:
        '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>' +
        "<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/finops is not authorized to " +
        "perform: rds:DescribeDBInstances</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
    };
    try {
      const db = join(dir.path, "refused.duckdb");
      const result = await finops(["collect", "--only", "inventory", "--json"], db);
      assert.equal(result.code, 1, result.stderr);
      const reports = JSON.parse(result.stdout).collectors as Report[];
      const failed = reports.filter((r) => r.status === "failed");
      assert.deepEqual(
        failed.map((r) => r.name),
        ["inventory:rds-instances"],
      );
      assert.match(
        failed[0]?.error ?? "",
        /AccessDenied.*\(the collector needs rds:DescribeDBInstances: see finops iam-policy --role collector\)/,
      );
      assert.match(result.stderr, /inventory:rds-instances .*AccessDenied/);
      assert.equal(reports.find((r) => r.name === "inventory:ec2-instances")?.rows, 1);
      const listed = async (type: string) => {
        const out = await runFinops(["resources", "--type", type, "--db", db, "--json"]);
        assert.equal(out.code, 0, out.stderr);
        return JSON.parse(out.stdout) as { state: string | null }[];
      };
      assert.equal((await listed("ec2:instance")).length, 1, "the EC2 collector's rows are stored");
      // The databases the Tagging API reports are there by their ARNs, with nothing DescribeDBInstances says.
      const databases = await listed("rds:db");
      assert.ok(databases.length > 0);
      assert.deepEqual(new Set(databases.map((d) => d.state)), new Set([null]));
    } finally {
      delete proxy.failWith;
    }
  });
});
