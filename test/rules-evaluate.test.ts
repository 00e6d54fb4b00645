import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ResourceRecord } from "../collectors/inventory/resource.js";
import type { MetricDay } from "../store/inventory.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import {
  ACCOUNT,
  cpu,
  daysAgo,
  instance,
  NOW,
  network,
  resource,
  series,
  snapshot,
  TAGS,
  volume,
  volumeOps,
} from "./helpers/rule-kind.js";
import { seedInventory } from "./helpers/seed.js";

// Each rule kind's cases, on both sides of its thresholds, are in rules/kinds/<kind>.test.ts. Here: what
// the engine does for every rule, through the CLI, on an estate where every kind finds something.

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

describe("analyze on a seeded store: teams, protection, money, history and exit codes", () => {
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

  test("all kinds together flag what each kind's own tests say, and nothing of the others' resources", () => {
    const byRule = Object.fromEntries(
      [...new Set(findings.map((f) => f.rule))].sort().map((rule) => [rule, flagged(rule)]),
    );
    const { "missing-tags": missingTags, ...rest } = byRule;
    assert.deepEqual(rest, {
      expired: ["i-expires-past", "i-ttl-36h-37h-old"],
      "gp2-volume": ["vol-gp2"],
      "idle-instance": ["i-idle", "i-protected"],
      "idle-k8s-node": ["i-node-9.9"],
      "idle-nat-gateway": ["nat-idle"],
      "old-snapshot": ["snap-91d"],
      "orphaned-snapshot": ["snap-orphan-31d"],
      "oversized-volume": ["vol-100g-999ops", "vol-io1-16000"],
      "previous-generation": ["i-m4"],
      "s3-no-lifecycle": ["bucket-no-lifecycle"],
      "stopped-instance": ["i-stopped-31"],
      "unassociated-eip": ["eipalloc-free"],
      "unattached-volume": ["vol-available-8d"],
    });
    // Every resource lacks environment or team but those tagged with both (Team counts as team).
    assert.deepEqual(missingTags, ["i-cpu-5.1"]);
    const cpu = findings.find((f) => f.rule === "missing-tags" && f.resourceId === "i-cpu-5.1");
    assert.deepEqual(cpu?.evidence, { missing: ["environment"] });
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
