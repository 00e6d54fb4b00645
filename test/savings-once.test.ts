import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sumDecimals } from "../core/money.js";
import { openStore, type Store } from "../store/database.js";
import { queryFindings } from "../store/findings.js";
import { findingsJson, findingsSummary } from "../store/findings-json.js";
import { resourceSavingsSql, savingsTotals, savingsTotalsByTeam } from "../store/savings.js";
import { tempDir } from "./helpers/project.js";

/** One stored finding: rule, resource, action, its own savings and cost, team, open or not. */
interface Seed {
  rule: string;
  resource: string;
  action: string;
  savings: string | null;
  cost: string | null;
  team?: string;
  resolved?: boolean;
}

const SEEDS: Seed[] = [
  // expired (terminate) and idle-instance (stop) each claim the whole cost: counted once, as the terminate.
  { rule: "idle-instance", resource: "i-both", action: "stop", savings: "100", cost: "100" },
  { rule: "expired", resource: "i-both", action: "terminate", savings: "100", cost: "100" },
  // gp2 conversion (20%), unattached (all of it) and missing-tags (nothing): the delete's 50 counts.
  { rule: "gp2-volume", resource: "vol-three", action: "notify", savings: "10", cost: "50" },
  {
    rule: "unattached-volume",
    resource: "vol-three",
    action: "snapshot-and-delete",
    savings: "50",
    cost: "50",
  },
  { rule: "missing-tags", resource: "vol-three", action: "notify", savings: "0", cost: "50" },
  // A figure above the resource's own cost (a user rule's) is capped at the cost.
  { rule: "custom", resource: "i-over", action: "notify", savings: "80", cost: "30", team: "data" },
  { rule: "custom2", resource: "i-over", action: "notify", savings: "70", cost: "30", team: "data" },
  // Alone, and without a figure.
  {
    rule: "old-snapshot",
    resource: "snap-alone",
    action: "delete",
    savings: "1.25",
    cost: "1.25",
    team: "data",
  },
  { rule: "missing-tags", resource: "i-unknown", action: "notify", savings: null, cost: null },
  // A resolved finding counts nowhere in the open totals, and names no overlap.
  {
    rule: "stopped-instance",
    resource: "i-both",
    action: "terminate",
    savings: "500",
    cost: "500",
    resolved: true,
  },
];

describe("savings counted once per resource (store/savings.ts)", () => {
  const dir = tempDir();
  let store: Store;

  before(async () => {
    store = await openStore(join(dir.path, "finops.duckdb"));
    for (const [i, s] of SEEDS.entries()) {
      await store.connection.run(
        `INSERT INTO findings BY NAME SELECT $1 AS id, $2 AS rule, $3 AS resource_id, 'ec2:instance' AS resource_type,
           '111111111111' AS account, 'us-east-1' AS region, $4 AS team, 'low' AS severity, 'seeded' AS reason,
           CAST($5 AS DECIMAL(38,12)) AS monthly_cost, CAST($6 AS DECIMAL(38,12)) AS estimated_monthly_savings,
           $7 AS action, false AS protected, TIMESTAMP '2024-09-01' AS first_seen, TIMESTAMP '2024-09-01' AS last_seen,
           CASE WHEN $8 THEN TIMESTAMP '2024-09-02' END AS resolved_at, 'run-1' AS last_run_id`,
        [`f${i}`, s.rule, s.resource, s.team ?? "platform", s.cost, s.savings, s.action, s.resolved ?? false],
      );
    }
  });
  after(() => {
    store.close();
    dir.remove();
  });

  test("per resource: the largest figure, the strongest action among equals, capped at the resource's cost", async () => {
    const reader = await store.connection.runAndReadAll(
      `SELECT resource_id, CAST(savings AS DOUBLE) AS savings, counted_rule, findings
       FROM (${resourceSavingsSql("WHERE resolved_at IS NULL")}) ORDER BY resource_id`,
    );
    assert.deepEqual(
      reader.getRowObjectsJson().map((r) => [r.resource_id, r.savings, r.counted_rule, Number(r.findings)]),
      [
        ["i-both", 100, "expired", 2],
        ["i-over", 30, "custom", 2],
        ["i-unknown", null, "missing-tags", 1],
        ["snap-alone", 1.25, "old-snapshot", 1],
        ["vol-three", 50, "unattached-volume", 3],
      ],
    );
  });

  test("totals: counted once vs the rules' sum, and which findings overlap", async () => {
    const totals = await savingsTotals(store.connection, { status: "open" });
    assert.equal(Number(totals.estimatedMonthlySavings), 100 + 50 + 30 + 1.25);
    assert.equal(Number(totals.grossEstimatedMonthlySavings), 200 + 60 + 150 + 1.25);
    assert.equal(totals.findings, 9);
    assert.equal(totals.resources, 5);
    // missing-tags claims nothing: it overlaps vol-three but would not count twice.
    assert.equal(totals.overlappingFindings, 6);
    assert.equal(totals.overlappingResources, 3);
    const summary = await findingsSummary(store.connection, { status: "open" });
    assert.deepEqual(summary.savings, totals);
  });

  test("reconciliation: the total is the sum of each resource's best action, and the teams' sum to it", async () => {
    const open = await queryFindings(store.connection, { status: "open" });
    const best = new Map<string, number>();
    for (const f of open) {
      const own = Math.min(Number(f.estimatedMonthlySavings ?? 0), Number(f.monthlyCost ?? 0));
      best.set(f.resourceId, Math.max(best.get(f.resourceId) ?? 0, own));
    }
    const total = await savingsTotals(store.connection, { status: "open" });
    assert.equal(
      Number(total.estimatedMonthlySavings),
      [...best.values()].reduce((a, b) => a + b, 0),
    );
    const teams = await savingsTotalsByTeam(store.connection, { status: "open" });
    assert.deepEqual(
      teams.map((t) => [t.team, Number(t.estimatedMonthlySavings)]),
      [
        ["platform", 150],
        ["data", 31.25],
      ],
    );
    assert.equal(sumDecimals(teams.map((t) => t.estimatedMonthlySavings)), total.estimatedMonthlySavings);
    // A filter (one rule, one team) counts within what it selects.
    const idle = await savingsTotals(store.connection, { status: "open", rules: ["idle-instance"] });
    assert.equal(Number(idle.estimatedMonthlySavings), 100);
    assert.equal(idle.overlappingFindings, 0);
  });

  test("each finding keeps its own figure and names the other open findings on its resource", async () => {
    const open = await queryFindings(store.connection, { status: "open" });
    const byRule = (rule: string, resource: string) =>
      open.find((f) => f.rule === rule && f.resourceId === resource);
    assert.equal(byRule("idle-instance", "i-both")?.estimatedMonthlySavings?.toNumber(), 100);
    assert.deepEqual(byRule("idle-instance", "i-both")?.overlaps, [{ rule: "expired", id: "f1" }]);
    assert.deepEqual(
      byRule("gp2-volume", "vol-three")?.overlaps.map((o) => o.rule),
      ["missing-tags", "unattached-volume"],
    );
    assert.deepEqual(byRule("old-snapshot", "snap-alone")?.overlaps, []);
    const resolved = await queryFindings(store.connection, { status: "resolved" });
    assert.deepEqual(resolved[0]?.overlaps, []);
    // The JSON DuckDB renders says the same as the objects.
    const texts: string[] = [];
    for await (const batch of findingsJson(store.connection, { status: "open" })) texts.push(...batch);
    assert.deepEqual(
      texts.map((t) => (JSON.parse(t) as { overlaps: unknown }).overlaps),
      open.map((f) => f.overlaps),
    );
  });
});
