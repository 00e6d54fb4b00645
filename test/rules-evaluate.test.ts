import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import type { MetricDay } from "../store/inventory.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { seedInventory } from "./helpers/seed.js";

const NOW = new Date("2024-10-15T00:00:00Z");
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const TAGS = { team: "platform", environment: "prod" };

function resource(
  resourceType: string,
  resourceId: string,
  fields: Partial<ResourceRecord> & { attributes?: Record<string, unknown> } = {},
): ResourceRecord {
  return {
    resourceId,
    resourceType,
    account: ACCOUNT,
    region: REGION,
    state: null,
    stateSince: null,
    createdAt: daysAgo(200),
    tags: { ...TAGS },
    attributes: {},
    ...fields,
  };
}

const instance = (
  id: string,
  fields: Partial<ResourceRecord> = {},
  attributes: Record<string, unknown> = {},
) =>
  resource("ec2:instance", id, {
    state: "running",
    ...fields,
    attributes: { instanceType: "m5.large", kubernetes: null, volumeIds: [], ...attributes },
  });
const volume = (
  id: string,
  state: string,
  attributes: Record<string, unknown>,
  fields: Partial<ResourceRecord> = {},
) =>
  resource("ec2:volume", id, {
    state,
    ...fields,
    attributes: { volumeType: "gp3", sizeGiB: 50, ...attributes },
  });
const snapshot = (id: string, ageDays: number, volumeId: string) =>
  resource("ec2:snapshot", id, {
    state: "completed",
    createdAt: daysAgo(ageDays),
    attributes: { volumeId, sizeGiB: 8 },
  });

/** `days` daily values of one metric, ending the day before NOW. */
function series(
  resourceId: string,
  namespace: string,
  metric: string,
  days: number,
  value: Partial<MetricDay>,
) {
  return Array.from({ length: days }, (_, i) => ({
    account: ACCOUNT,
    region: REGION,
    resourceId,
    namespace,
    metric,
    day: daysAgo(i + 1).slice(0, 10),
    average: null,
    maximum: null,
    sum: null,
    ...value,
  }));
}
const cpu = (id: string, days: number, maximum: number, average = maximum / 2) =>
  series(id, "AWS/EC2", "CPUUtilization", days, { maximum, average });
const network = (id: string, days: number, mbPerDay: number) => [
  ...series(id, "AWS/EC2", "NetworkIn", days, { sum: (mbPerDay * 1e6) / 2 }),
  ...series(id, "AWS/EC2", "NetworkOut", days, { sum: (mbPerDay * 1e6) / 2 }),
];
const volumeOps = (id: string, days: number, opsPerDay: number) => [
  ...series(id, "AWS/EBS", "VolumeReadOps", days, { sum: opsPerDay / 2 }),
  ...series(id, "AWS/EBS", "VolumeWriteOps", days, { sum: opsPerDay / 2 }),
];

const RECORDS: ResourceRecord[] = [
  // idle-instance: highest daily max CPU < 5% and network < 5 MB/day, over >= 7 days of 14.
  instance("i-idle"),
  instance("i-cpu-5.1", { tags: { team: "platform" } }),
  instance("i-net-6mb"),
  instance("i-6-days"),
  instance("i-no-network"),
  instance("i-exempt", { tags: { ...TAGS, "finops:ignore": "idle-instance" } }),
  instance("i-protected", { tags: { ...TAGS, "finops:protect": "true" } }),
  // idle-k8s-node: mean daily average CPU < 10% over 7 days.
  instance(
    "i-node-9.9",
    { tags: { Team: "data", environment: "prod" } },
    { kubernetes: { cluster: "prod-eks" } },
  ),
  instance("i-node-10.1", {}, { kubernetes: { cluster: "prod-eks" } }),
  // stopped-instance: stopped > 30 days.
  instance("i-stopped-31", { state: "stopped", stateSince: daysAgo(31) }),
  instance("i-stopped-29", { state: "stopped", stateSince: daysAgo(29) }),
  // previous-generation
  instance("i-m4", { state: "stopped", stateSince: daysAgo(1) }, { instanceType: "m4.large" }),
  // expired: expires-at in the past, ttl elapsed since creation.
  instance("i-expires-past", { tags: { ...TAGS, "expires-at": daysAgo(1 / 24) } }),
  instance("i-expires-future", { tags: { ...TAGS, "expires-at": daysAgo(-1 / 24) } }),
  instance("i-ttl-36h-37h-old", { createdAt: daysAgo(37 / 24), tags: { ...TAGS, ttl: "36h" } }),
  instance("i-ttl-36h-35h-old", { createdAt: daysAgo(35 / 24), tags: { ...TAGS, ttl: "36h" } }),
  // unattached-volume: available for >= 7 days.
  volume("vol-available-8d", "available", {}, { createdAt: daysAgo(8) }),
  volume("vol-available-6d", "available", {}, { createdAt: daysAgo(6) }),
  volume("vol-detached-3d", "available", {}, { createdAt: daysAgo(100) }),
  // gp2-volume, oversized-volume (attached, >= 100 GiB or io1/io2 <= 16,000 IOPS, < 1,000 ops a day).
  volume("vol-gp2", "in-use", { volumeType: "gp2" }),
  volume("vol-100g-999ops", "in-use", { sizeGiB: 100 }),
  volume("vol-100g-1001ops", "in-use", { sizeGiB: 100 }),
  volume("vol-99g-idle", "in-use", { sizeGiB: 99 }),
  volume("vol-io1-16000", "in-use", { volumeType: "io1", iops: 16000 }),
  volume("vol-io1-16001", "in-use", { volumeType: "io1", iops: 16001 }),
  // old-snapshot (> 90 days), orphaned-snapshot (source gone, > 30 days).
  snapshot("snap-91d", 91, "vol-gp2"),
  snapshot("snap-89d", 89, "vol-gp2"),
  snapshot("snap-orphan-31d", 31, "vol-gone"),
  snapshot("snap-orphan-29d", 29, "vol-gone"),
  resource("ec2:elastic-ip", "eipalloc-free", {
    state: "unassociated",
    attributes: { publicIp: "198.51.100.7" },
  }),
  resource("ec2:elastic-ip", "eipalloc-used", {
    state: "associated",
    attributes: { publicIp: "198.51.100.8" },
  }),
  resource("ec2:nat-gateway", "nat-idle", { state: "available" }),
  resource("ec2:nat-gateway", "nat-1-byte", { state: "available" }),
  resource("s3:bucket", "bucket-no-lifecycle", { attributes: { lifecycleRules: 0 } }),
  resource("s3:bucket", "bucket-lifecycle", { attributes: { lifecycleRules: 1 } }),
];

const METRICS: MetricDay[] = [
  ...cpu("i-idle", 14, 4.9),
  ...network("i-idle", 14, 4.9),
  ...cpu("i-cpu-5.1", 14, 5.1),
  ...network("i-cpu-5.1", 14, 1),
  ...cpu("i-net-6mb", 14, 1),
  ...network("i-net-6mb", 14, 6),
  ...cpu("i-6-days", 6, 1),
  ...network("i-6-days", 6, 1),
  ...cpu("i-exempt", 14, 1),
  ...network("i-exempt", 14, 1),
  ...cpu("i-protected", 14, 1),
  ...network("i-protected", 14, 1),
  // Without network data it is not known to be idle.
  ...cpu("i-no-network", 14, 1),
  ...cpu("i-node-9.9", 7, 30, 9.9),
  ...cpu("i-node-10.1", 7, 30, 10.1),
  ...volumeOps("vol-100g-999ops", 14, 999),
  ...volumeOps("vol-100g-1001ops", 14, 1001),
  ...volumeOps("vol-99g-idle", 14, 0),
  ...volumeOps("vol-io1-16000", 14, 10),
  ...volumeOps("vol-io1-16001", 14, 10),
  ...series("nat-idle", "AWS/NATGateway", "BytesOutToDestination", 14, { sum: 0 }),
  ...series("nat-1-byte", "AWS/NATGateway", "BytesOutToDestination", 14, { sum: 0 }).map((d, i) =>
    i === 0 ? { ...d, sum: 1 } : d,
  ),
];

/** Billing for two resources: 30 days of $10 (the idle instance) and $1 (the gp2 volume). */
function billingCsv(): string {
  const header =
    "BilledCost,EffectiveCost,ListCost,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,BillingAccountId,BillingCurrency,ProviderName,ServiceName,SubAccountId,ResourceId";
  const rows: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const start = daysAgo(i).replace("T", " ").slice(0, 19);
    const end = daysAgo(i - 1)
      .replace("T", " ")
      .slice(0, 19);
    const period = `${start.slice(0, 7)}-01 00:00:00`;
    for (const [id, cost] of [
      ["i-idle", "10"],
      ["vol-gp2", "1"],
    ] as const) {
      rows.push(
        `${cost},${cost},${cost},${start},${end},${period},${period},999999999999,USD,AWS,Amazon EC2,${ACCOUNT},${id}`,
      );
    }
  }
  return `${header}\n${rows.join("\n")}\n`;
}

interface Finding {
  id: string;
  rule: string;
  resourceId: string;
  team: string;
  protected: boolean;
  status: string;
  firstSeen: string;
  lastSeen: string;
  monthlyCost: number | null;
  estimatedMonthlySavings: number | null;
  evidence: Record<string, unknown>;
}

describe("rules on both sides of every threshold (a seeded store)", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  let findings: Finding[] = [];
  const flagged = (rule: string) =>
    findings
      .filter((f) => f.rule === rule)
      .map((f) => f.resourceId)
      .sort();

  const analyze = async (now = NOW) => {
    const result = await runFinops(["analyze", "--db", db, "--now", now.toISOString(), "--json"]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout).findings as Finding[];
  };

  before(async () => {
    // An earlier run saw vol-detached-3d attached three days ago.
    await seedInventory(
      db,
      "run-1",
      [volume("vol-detached-3d", "in-use", {}, { createdAt: daysAgo(100) })],
      new Date(daysAgo(3)),
    );
    await seedInventory(db, "run-2", RECORDS, new Date(daysAgo(0.1)), METRICS);
    const csv = join(dir.path, "billing.csv");
    writeFileSync(csv, billingCsv());
    assert.equal((await runFinops(["ingest", csv, "--db", db])).code, 0);
    findings = await analyze();
  });
  after(() => dir.remove());

  test("idle-instance: max CPU under 5%, network under 5 MB/day, 7 days of data; exemptions honoured", () => {
    assert.deepEqual(flagged("idle-instance"), ["i-idle", "i-protected"]);
  });
  test("idle-k8s-node: mean CPU under 10%", () => assert.deepEqual(flagged("idle-k8s-node"), ["i-node-9.9"]));
  test("stopped-instance: over 30 days", () =>
    assert.deepEqual(flagged("stopped-instance"), ["i-stopped-31"]));
  test("previous-generation", () => assert.deepEqual(flagged("previous-generation"), ["i-m4"]));
  test("expired: expires-at passed, ttl elapsed", () =>
    assert.deepEqual(flagged("expired"), ["i-expires-past", "i-ttl-36h-37h-old"]));
  test("unattached-volume: 7 days, counted from the last time it was seen attached", () =>
    assert.deepEqual(flagged("unattached-volume"), ["vol-available-8d"]));
  test("gp2-volume", () => assert.deepEqual(flagged("gp2-volume"), ["vol-gp2"]));
  test("oversized-volume: 100 GiB or io1 up to 16,000 IOPS, under 1,000 ops a day", () =>
    assert.deepEqual(flagged("oversized-volume"), ["vol-100g-999ops", "vol-io1-16000"]));
  test("old-snapshot and orphaned-snapshot", () => {
    assert.deepEqual(flagged("old-snapshot"), ["snap-91d"]);
    assert.deepEqual(flagged("orphaned-snapshot"), ["snap-orphan-31d"]);
  });
  test("unassociated-eip, idle-nat-gateway, s3-no-lifecycle", () => {
    assert.deepEqual(flagged("unassociated-eip"), ["eipalloc-free"]);
    assert.deepEqual(flagged("idle-nat-gateway"), ["nat-idle"]);
    assert.deepEqual(flagged("s3-no-lifecycle"), ["bucket-no-lifecycle"]);
  });
  test("missing-tags names what is missing", () => {
    const cpu = findings.find((f) => f.rule === "missing-tags" && f.resourceId === "i-cpu-5.1");
    assert.deepEqual(cpu?.evidence, { missing: ["environment"] });
    assert.ok(!flagged("missing-tags").includes("i-idle"));
    assert.ok(!flagged("missing-tags").includes("i-node-9.9"), "Team counts as team");
  });
  test("teams, protection and money from billing", () => {
    const idle = findings.find((f) => f.rule === "idle-instance" && f.resourceId === "i-idle");
    assert.equal(idle?.team, "platform");
    assert.equal(idle?.monthlyCost, 300);
    assert.equal(idle?.estimatedMonthlySavings, 300);
    assert.equal(findings.find((f) => f.resourceId === "i-node-9.9")?.team, "data");
    assert.equal(
      findings.find((f) => f.rule === "idle-instance" && f.resourceId === "i-protected")?.protected,
      true,
    );
    const gp2 = findings.find((f) => f.rule === "gp2-volume");
    assert.equal(gp2?.monthlyCost, 30);
    assert.equal(gp2?.estimatedMonthlySavings, 6);
  });
  test("analyze --json lists each finding once, as findings --json shows it", async () => {
    const stored = JSON.parse(
      (await runFinops(["findings", "--status", "open", "--db", db, "--json"])).stdout,
    ) as Finding[];
    const byId = (list: Finding[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(byId(findings), byId(stored));
    assert.equal(new Set(findings.map((f) => f.id)).size, findings.length);
  });
  test("history: a finding no longer found is resolved, and reopened when it returns", async () => {
    const later = new Date(NOW.getTime() + 3_600_000);
    const associated = RECORDS.map((r) =>
      r.resourceId === "eipalloc-free" ? { ...r, state: "associated" } : r,
    );
    await seedInventory(db, "run-3", associated, later);
    await analyze(later);
    const resolved = JSON.parse(
      (
        await runFinops([
          "findings",
          "--rule",
          "unassociated-eip",
          "--status",
          "resolved",
          "--db",
          db,
          "--json",
        ])
      ).stdout,
    );
    assert.deepEqual(
      resolved.map((f: Finding) => [f.resourceId, f.status]),
      [["eipalloc-free", "resolved"]],
    );
    // The gp2 volume changes hands: its finding is rewritten with the new team, and keeps its history.
    const again = new Date(NOW.getTime() + 7_200_000);
    const handedOver = RECORDS.map((r) =>
      r.resourceId === "vol-gp2" ? { ...r, tags: { ...r.tags, team: "storage" } } : r,
    );
    await seedInventory(db, "run-4", handedOver, again);
    const latest = await analyze(again);
    const gp2 = latest.find((f) => f.rule === "gp2-volume");
    assert.deepEqual(
      [gp2?.team, gp2?.firstSeen, gp2?.lastSeen],
      ["storage", "2024-10-15T00:00:00Z", "2024-10-15T02:00:00Z"],
    );
    const unchanged = latest.find((f) => f.rule === "idle-instance" && f.resourceId === "i-idle");
    assert.deepEqual([unchanged?.team, unchanged?.lastSeen], ["platform", "2024-10-15T02:00:00Z"]);
    const open = JSON.parse(
      (await runFinops(["findings", "--rule", "unassociated-eip", "--db", db, "--json"])).stdout,
    );
    assert.equal(open[0].status, "open");
    assert.equal(open[0].firstSeen, "2024-10-15T00:00:00Z");
  });
  test("--fail-on exits 3 when a finding at that severity or above exists", async () => {
    const result = await runFinops(["analyze", "--db", db, "--now", NOW.toISOString(), "--fail-on", "high"]);
    assert.equal(result.code, 3, result.stderr);
  });
});
