import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  type _InstanceType,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { runFinops } from "./helpers/cli.js";
import { type Moto, startMoto } from "./helpers/moto.js";
import { tempDir } from "./helpers/project.js";
import { writeFocusCsv } from "./helpers/seed.js";

// oversized-instance end to end: instances and their daily CPU maxima put into moto, collected by
// `finops collect --only inventory,utilization` and judged by `finops analyze`, both at NOW: both sides
// of maxCpuPercent (40), the target size the peak picks (under targetCpuPercent, 70), and the savings
// as the sizes' share of the instance's billed cost.

const NOW = new Date("2025-03-15T00:00:00Z");
const REGION = "us-east-1";
const ACCOUNT = "123456789012"; // moto's
const DAY_MS = 86_400_000;
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

const CONFIG = `
tags:
  required: []
rules:
  - id: oversized-instance
`;

interface Case {
  type: string;
  /** The daily maximum on each of the `days` days before NOW (the day's values: [peak / 4, peak]). */
  peak: number;
  days?: number;
  tags?: Record<string, string>;
  /** Billed a day, for the last 30 days before NOW. */
  dailyCost?: string;
}

const CASES: Record<string, Case> = {
  // 12xlarge (96) to 8xlarge (64): 39.9% would be 59.85%; 40% is not under the threshold.
  "12xl-39.9": { type: "m5.12xlarge", peak: 39.9 },
  "12xl-40": { type: "m5.12xlarge", peak: 40 },
  // 2xlarge (16): 30% is 60% of an xlarge (8), 120% of a large; 15% is 60% of a large (4).
  "2xl-30": { type: "m5.2xlarge", peak: 30, dailyCost: "10" },
  "2xl-15": { type: "m5.2xlarge", peak: 15, dailyCost: "10" },
  // 36% would be 72% of an xlarge: no smaller size fits.
  "2xl-36": { type: "m5.2xlarge", peak: 36 },
  // m5's smallest size.
  "large-5": { type: "m5.large", peak: 5 },
  // A Kubernetes node: its autoscaler sizes it.
  node: { type: "m5.2xlarge", peak: 5, tags: { "eks:cluster-name": "prod-eks" } },
  "6-days": { type: "m5.2xlarge", peak: 5, days: 6 },
  "7-days": { type: "m5.2xlarge", peak: 5, days: 7 },
};

interface Finding {
  rule: string;
  resourceId: string;
  evidence: Record<string, unknown>;
  monthlyCost: number | null;
  estimatedMonthlySavings: number | null;
}

describe("oversized-instance against moto: peak CPU, target size and savings", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const config = join(dir.path, "rules.yaml");
  let moto: Moto;
  const names = new Map<string, string>();
  let findings: Finding[] = [];
  const idOf = (name: string) => [...names].find(([, n]) => n === name)?.[0] as string;
  const finding = (name: string) => findings.find((f) => f.resourceId === idOf(name));

  before(async () => {
    moto = await startMoto();
    writeFileSync(config, CONFIG);
    const ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const cloudwatch = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials });
    try {
      const image =
        (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId ??
        "ami-12c6146b";
      for (const [name, spec] of Object.entries(CASES)) {
        const id = (
          await ec2.send(
            new RunInstancesCommand({
              ImageId: image,
              InstanceType: spec.type as _InstanceType,
              MinCount: 1,
              MaxCount: 1,
              TagSpecifications: [
                {
                  ResourceType: "instance",
                  Tags: Object.entries({ Name: name, ...spec.tags }).map(([Key, Value]) => ({ Key, Value })),
                },
              ],
            }),
          )
        ).Instances?.[0]?.InstanceId as string;
        names.set(id, name);
        const days = Array.from({ length: spec.days ?? 14 }, (_, i) => i + 1);
        // A busy day 15 days ago is collected but outside the rule's 14 days.
        const data = [
          ...days.map((ago) => [ago, [spec.peak / 4, spec.peak]] as const),
          [15, [95]] as const,
        ].map(([ago, values]) => ({
          MetricName: "CPUUtilization",
          Dimensions: [{ Name: "InstanceId", Value: id }],
          Timestamp: new Date(NOW.getTime() - ago * DAY_MS + DAY_MS / 2),
          Values: [...values],
        }));
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: "AWS/EC2", MetricData: data }));
      }
    } finally {
      ec2.destroy();
      cloudwatch.destroy();
    }

    const csv = join(dir.path, "focus.csv");
    writeFocusCsv(
      csv,
      Object.entries(CASES).flatMap(([name, spec]) =>
        spec.dailyCost
          ? Array.from({ length: 30 }, (_, i) => ({
              account: ACCOUNT,
              resourceId: idOf(name),
              day: new Date(NOW.getTime() - (i + 1) * DAY_MS).toISOString().slice(0, 10),
              cost: spec.dailyCost as string,
              sku: "M5-2XL",
              unit: "Hours",
              quantity: 24,
            }))
          : [],
      ),
    );
    const at = ["--now", NOW.toISOString(), "--db", db, "--config", config, "--json"];
    const ingest = await runFinops(["ingest", csv, "--db", db]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const collect = await runFinops([
      "collect",
      "--only",
      "inventory,utilization",
      "--regions",
      REGION,
      "--endpoint-url",
      moto.endpoint,
      ...at,
    ]);
    assert.equal(collect.code, 0, collect.stderr);
    const analyze = await runFinops(["analyze", ...at]);
    assert.equal(analyze.code, 0, analyze.stderr);
    findings = (JSON.parse(analyze.stdout).findings as Finding[]).filter(
      (f) => f.rule === "oversized-instance",
    );
  });
  after(async () => {
    await moto?.stop();
    dir.remove();
  });

  test("flags peaks under 40% that a smaller size of the family fits, with 7 days of data or more", () => {
    assert.deepEqual(findings.map((f) => names.get(f.resourceId)).sort(), [
      "12xl-39.9",
      "2xl-15",
      "2xl-30",
      "7-days",
    ]);
  });

  test("the target is the smallest size whose share keeps the peak at or under 70%", () => {
    assert.deepEqual(finding("12xl-39.9")?.evidence, {
      instanceType: "m5.12xlarge",
      targetInstanceType: "m5.8xlarge",
      days: 14,
      peakCpuPercent: 39.9,
      projectedPeakCpuPercent: 59.85,
      currentFactor: 96,
      targetFactor: 64,
    });
    assert.equal(finding("2xl-30")?.evidence.targetInstanceType, "m5.xlarge");
    assert.equal(finding("2xl-15")?.evidence.targetInstanceType, "m5.large");
    assert.equal(finding("7-days")?.evidence.days, 7);
  });

  test("the savings are the sizes' share of the instance's billed cost", () => {
    assert.equal(finding("2xl-30")?.monthlyCost, 300);
    assert.equal(finding("2xl-30")?.estimatedMonthlySavings, 150);
    assert.equal(finding("2xl-15")?.estimatedMonthlySavings, 225);
  });
});
