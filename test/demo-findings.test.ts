import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildEstate, DEMO_SEED } from "../demo/estate.js";
import { RULE_KINDS } from "../rules/catalogue.js";
import { runFinops } from "./helpers/cli.js";
import { parseCostsJson } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";

const RULES = [
  "idle-instance",
  "idle-k8s-node",
  "stopped-instance",
  "unattached-volume",
  "gp2-volume",
  "oversized-volume",
  "old-snapshot",
  "orphaned-snapshot",
  "unassociated-eip",
  "idle-nat-gateway",
  "s3-no-lifecycle",
  "missing-tags",
  "expired",
  "previous-generation",
  // Issue 16's kinds: each has waste placed for it (demo/estate-waste-services.ts, counted by wasteCounts).
  "idle-rds-instance",
  "rds-previous-generation",
  "rds-gp2-storage",
  "rds-multi-az-nonprod",
  "idle-load-balancer",
  "log-group-no-retention",
  "stale-log-group",
  "idle-dynamodb-table",
  "ecr-no-lifecycle",
  "unused-ami",
  "idle-elasticache-cluster",
  "empty-eks-cluster",
  "oversized-instance",
  "s3-incomplete-multipart",
  "idle-redshift-cluster",
  // Issue 17's: the underused reservation and Savings Plan, the reservation that ends 20 days after the
  // anchor (demo/estate-commitments.ts), collected as inventory from the demo's replay.
  "underused-commitment",
  "expiring-commitment",
];

/** The catalogue's kinds the demo has no finding of: a user's own SQL. */
const NOT_IN_DEMO = ["sql"];

describe("the demo estate's findings", () => {
  const dir = tempDir();
  const db = join(dir.path, "demo.duckdb");
  let findings: { rule: string; resourceId: string; monthlyCost: string | null }[] = [];

  before(async () => {
    const demo = await runFinops(["demo", "--no-serve", "--db", db, "--now", "2024-09-18", "--json"]);
    assert.equal(demo.code, 0, demo.stderr);
    const result = await runFinops(["findings", "--status", "open", "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    // Money as text, every digit kept.
    findings = JSON.parse(result.stdout.replace(/("monthlyCost":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"'));
  });
  after(() => dir.remove());

  test("every rule of the catalogue finds waste placed in the demo, but those it cannot", () => {
    assert.deepEqual([...new Set(findings.map((f) => f.rule))].sort(), [...RULES].sort());
    assert.deepEqual(
      [...RULE_KINDS.keys()].filter((kind) => !RULES.includes(kind)).sort(),
      [...NOT_IN_DEMO].sort(),
    );
  });

  test("the old, orphaned snapshot that backs an AMI is not flagged: AWS refuses to delete it", () => {
    const estate = buildEstate(DEMO_SEED, new Date("2024-09-18T00:00:00Z"));
    const backing = estate.snapshots.filter((s) => s.imageId !== null).map((s) => s.id);
    assert.ok(backing.length > 0);
    const flagged = findings.filter((f) => f.rule.endsWith("-snapshot"));
    assert.ok(flagged.length > 0);
    assert.deepEqual(
      flagged.filter((f) => backing.includes(f.resourceId)),
      [],
    );
  });

  test("each finding's monthly cost is its resource's last 30 days in the demo billing", async () => {
    // The demo billing ends the day before the anchor: its last 30 days are 08-19 to 09-17.
    const costs = parseCostsJson(
      (
        await runFinops([
          "costs",
          "--by",
          "resource",
          "--from",
          "2024-08-19",
          "--to",
          "2024-09-18",
          "--db",
          db,
          "--json",
        ])
      ).stdout,
    );
    const byResource = new Map(costs.map((c) => [c.key, c.effectiveCost]));
    let compared = 0;
    for (const finding of findings) {
      const billed = byResource.get(finding.resourceId);
      if (billed === undefined || finding.monthlyCost === null) continue;
      assert.equal(finding.monthlyCost, billed, `${finding.rule} ${finding.resourceId}`);
      compared++;
    }
    assert.ok(compared > 300, `compared ${compared} findings`);
  });
});
