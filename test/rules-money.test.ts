import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import { runFinops } from "./helpers/cli.js";
import { type FakeProduct, type PriceListServer, startPriceListServer } from "./helpers/price-list-server.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, seedInventory, writeFocusCsv } from "./helpers/seed.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

function record(
  resourceType: string,
  resourceId: string,
  fields: Partial<ResourceRecord> & { attributes: Record<string, unknown> },
): ResourceRecord {
  return {
    resourceId,
    resourceType,
    account: ACCOUNT,
    region: REGION,
    state: null,
    stateSince: null,
    createdAt: daysAgo(200),
    // No environment tag: every resource is a missing-tags finding, whose money this test reads.
    tags: { team: "platform" },
    ...fields,
  };
}
const instance = (
  id: string,
  instanceType: string,
  fields: Partial<ResourceRecord> = {},
  volumeIds: string[] = [],
) =>
  record("ec2:instance", id, {
    state: "running",
    ...fields,
    attributes: { instanceType, platform: "Linux/UNIX", lifecycle: "on-demand", kubernetes: null, volumeIds },
  });
const volume = (id: string, volumeType: string, sizeGiB: number) =>
  record("ec2:volume", id, { state: "in-use", attributes: { volumeType, sizeGiB, attachments: [] } });

const RECORDS: ResourceRecord[] = [
  instance("i-billed", "m5.large"),
  // No billing row names it; i-billed's rows price its kind.
  instance("i-new", "m5.large"),
  // Nothing in billing prices a c7g.large: the Price List does.
  instance("i-c7g", "c7g.large"),
  // Nothing prices an x2gd.medium, not even the Price List.
  instance("i-x2gd", "x2gd.medium"),
  instance("i-stopped", "m5.large", { state: "stopped", stateSince: daysAgo(40) }, ["vol-root", "vol-data"]),
  volume("vol-root", "gp2", 8),
  volume("vol-data", "gp3", 100),
  volume("vol-peer", "gp3", 30),
  record("ec2:snapshot", "snap-1", { state: "completed", attributes: { volumeId: "vol-gone", sizeGiB: 20 } }),
  record("ec2:elastic-ip", "eipalloc-1", { attributes: { associationId: null } }),
  record("s3:bucket", "bucket-1", { attributes: { lifecycleRules: 1 } }),
];

/** 30 days: i-billed 24 h a day at $0.096/h (SKU M5), vol-root $0.10 a day, vol-peer 30 GB-months at $0.08. */
function charges(): SeedCharge[] {
  const out: SeedCharge[] = [];
  for (let i = 1; i <= 30; i++) {
    const day = daysAgo(i).slice(0, 10);
    out.push({
      account: ACCOUNT,
      resourceId: "i-billed",
      day,
      cost: "2.304",
      sku: "M5",
      unit: "Hours",
      quantity: 24,
    });
    out.push({
      account: ACCOUNT,
      resourceId: "vol-root",
      day,
      cost: "0.1",
      sku: "GP2",
      unit: "GB-Months",
      quantity: 8 / 30,
    });
    // Data transfer on the same instance, in GB: not an hourly price, and left out of the unit price.
    out.push({
      account: ACCOUNT,
      resourceId: "i-billed",
      day,
      cost: "0.5",
      sku: "DTO",
      unit: "GB",
      quantity: 5,
    });
    out.push({
      account: ACCOUNT,
      resourceId: "vol-peer",
      day,
      cost: "0.08",
      sku: "GP3",
      unit: "GB-Months",
      quantity: 1,
    });
  }
  return out;
}

const PRODUCTS: FakeProduct[] = [
  {
    serviceCode: "AmazonEC2",
    attributes: {
      regionCode: REGION,
      instanceType: "c7g.large",
      operatingSystem: "Linux",
      tenancy: "Shared",
      preInstalledSw: "NA",
      capacitystatus: "Used",
      licenseModel: "No License required",
      usagetype: "BoxUsage:c7g.large",
    },
    unit: "Hrs",
    usd: "0.0725000000",
    description: "$0.0725 per On Demand Linux c7g.large Instance Hour",
  },
  // Two products of the snapshot family: the archive tier comes first and must be passed over.
  {
    serviceCode: "AmazonEC2",
    attributes: {
      regionCode: REGION,
      productFamily: "Storage Snapshot",
      usagetype: "EBS:SnapshotArchiveStorage",
    },
    unit: "GB-Mo",
    usd: "0.0125000000",
    description: "$0.0125 per GB-month of snapshot archive storage",
  },
  {
    serviceCode: "AmazonEC2",
    attributes: { regionCode: REGION, productFamily: "Storage Snapshot", usagetype: "EBS:SnapshotUsage" },
    unit: "GB-Mo",
    usd: "0.0500000000",
    description: "$0.05 per GB-Month of snapshot data stored - US East (Northern Virginia)",
  },
  {
    serviceCode: "AmazonVPC",
    attributes: {
      regionCode: REGION,
      productFamily: "VPC Public IPv4 Address",
      usagetype: "USE1-PublicIPv4:IdleAddress",
    },
    unit: "Hrs",
    usd: "0.0050000000",
    description: "$0.005 per Idle public IPv4 address per hour",
  },
];

interface Finding {
  rule: string;
  resourceId: string;
  monthlyCost: number | null;
  monthlyCostSource: string | null;
  monthlyCostNote: string | null;
  estimatedMonthlySavings: number | null;
}

describe("money: billing, then the unit price billed for the same kind, then the Price List, else a reason", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let prices: PriceListServer;
  let findings: Finding[];
  const cost = (resourceId: string, rule = "missing-tags") => {
    const finding = findings.find((f) => f.rule === rule && f.resourceId === resourceId);
    assert.ok(finding, `${rule} ${resourceId} found`);
    return finding;
  };
  const collectPricing = () =>
    runFinops([
      "collect",
      "--only",
      "pricing",
      "--endpoint-url",
      prices.endpoint,
      "--db",
      db,
      "--now",
      NOW.toISOString(),
      "--json",
    ]);

  before(async () => {
    prices = await startPriceListServer(PRODUCTS);
    await seedInventory(db, "run-1", RECORDS, new Date(daysAgo(0.1)));
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(csv, charges());
    const ingest = await runFinops(["ingest", csv, "--db", db]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const collected = await collectPricing();
    assert.equal(collected.code, 0, collected.stderr);
    const analyzed = await runFinops(["analyze", "--db", db, "--now", NOW.toISOString(), "--json"]);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    findings = JSON.parse(analyzed.stdout).findings as Finding[];
  });
  after(async () => {
    await prices.close();
    dir.remove();
  });

  test("a resource's own billing rows come first (all of them: usage and data transfer)", () => {
    const billed = cost("i-billed");
    assert.equal(billed.monthlyCost, 84.12);
    assert.equal(billed.monthlyCostSource, "billing");
    assert.equal(billed.monthlyCostNote, null);
  });

  test("without rows of its own: 730 hours at the unit price billed for its kind, on its SKU", () => {
    const fresh = cost("i-new");
    assert.equal(fresh.monthlyCostSource, "billing-unit-price");
    assert.equal(fresh.monthlyCost, 730 * 0.096);
    assert.match(fresh.monthlyCostNote ?? "", /SKU M5/);
  });

  test("without billing for its kind: the Price List's on-demand price", () => {
    const c7g = cost("i-c7g");
    assert.equal(c7g.monthlyCostSource, "price-list");
    assert.equal(c7g.monthlyCost, 730 * 0.0725);
    const snapshot = cost("snap-1");
    assert.equal(snapshot.monthlyCostSource, "price-list");
    assert.equal(snapshot.monthlyCost, 20 * 0.05, "SnapshotUsage, not the archive tier");
    assert.match(snapshot.monthlyCostNote ?? "", /upper bound/);
    assert.equal(cost("eipalloc-1").monthlyCost, 730 * 0.005);
  });

  test("else null, with the reason", () => {
    const x2gd = cost("i-x2gd");
    assert.equal(x2gd.monthlyCost, null);
    assert.equal(x2gd.monthlyCostSource, null);
    assert.match(x2gd.monthlyCostNote ?? "", /no Price List price/);
    const bucket = cost("bucket-1");
    assert.equal(bucket.monthlyCost, null);
    assert.match(bucket.monthlyCostNote ?? "", /no unit price basis/);
  });

  test("a long-stopped instance costs, and terminating it saves, what its volumes cost", () => {
    const stopped = cost("i-stopped", "stopped-instance");
    // vol-root: 30 × $0.10 billed; vol-data: 100 GB-months at vol-peer's $0.08.
    assert.equal(stopped.monthlyCost, 3 + 8);
    assert.equal(stopped.estimatedMonthlySavings, 11);
    assert.equal(stopped.monthlyCostSource, "billing-unit-price");
    assert.match(stopped.monthlyCostNote ?? "", /bills no compute.*2 EBS volumes \(vol-data, vol-root\)/);
  });

  test("the Price List is asked only for kinds billing does not price, once a week", async () => {
    const asked = prices.requests.map((r) =>
      r.Filters.map((f) => f.Value)
        .filter((v) => v !== REGION)
        .join(" "),
    );
    assert.ok(!asked.some((a) => a.includes("m5.large")), "m5.large is priced by billing");
    assert.ok(!asked.some((a) => a.includes("gp3")), "gp3 is priced by billing");
    assert.ok(asked.some((a) => a.includes("x2gd.medium")));
    // The snapshot family holds two products, one a page: the second page was followed.
    assert.ok(prices.requests.some((r) => r.NextToken === "1"));
    const before = prices.requests.length;
    const again = await collectPricing();
    assert.equal(again.code, 0, again.stderr);
    // Only the key with no price found is asked again; the stored prices are fresh for a week.
    assert.deepEqual(
      prices.requests.slice(before).map((r) => r.Filters.find((f) => f.Field === "instanceType")?.Value),
      ["x2gd.medium"],
    );
  });

  test("iam-policy lets the collector read the Price List", async () => {
    const policy = await runFinops(["iam-policy", "--role", "collector"]);
    assert.match(policy.stdout, /"pricing:GetProducts"/);
  });
});
