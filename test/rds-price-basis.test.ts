import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { database, dbArn } from "./helpers/rds.js";
import { ACCOUNT, daysAgo, NOW } from "./helpers/rule-kind.js";
import { type SeedCharge, seedInventory, writeFocusCsv } from "./helpers/seed.js";

// An RDS database no billing row names is priced at the hourly rate billing shows for its peers (same
// instance class, engine and deployment in its region): instance hours only, none while it is stopped.

test("an unbilled database: its peers' effective hourly rate, 730 hours; stopped: none; another deployment: unpriced", async () => {
  const dir = tempDir("finops-rds-price-");
  try {
    const db = join(dir.path, "finops.duckdb");
    const m4 = { instanceClass: "db.m4.large", storageType: "gp2" };
    await seedInventory(
      db,
      "run-1",
      [
        database("billed", m4),
        database("peer", m4),
        database("stopped-peer", m4, { state: "stopped" }),
        database("multi-az-peer", { ...m4, multiAz: true }),
      ],
      new Date(daysAgo(0.1)),
    );
    // 24 instance hours a day at 0.178, and storage in GB-months, which is no hourly rate.
    const charges: SeedCharge[] = Array.from({ length: 30 }, (_, i) => daysAgo(i + 1).slice(0, 10)).flatMap(
      (day) => [
        {
          account: ACCOUNT,
          resourceId: dbArn("billed"),
          day,
          cost: "4.272",
          sku: "M4",
          unit: "Hours",
          quantity: 24,
        },
        {
          account: ACCOUNT,
          resourceId: dbArn("billed"),
          day,
          cost: "0.383333",
          sku: "GP2",
          unit: "GB-Months",
          quantity: 100 / 30,
        },
      ],
    );
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(csv, charges);
    const config = join(dir.path, "rules.yaml");
    writeFileSync(
      config,
      JSON.stringify({ tags: { required: [] }, rules: [{ id: "rds-previous-generation" }] }),
    );
    const common = ["--db", db, "--config", config];
    const ingest = await runFinops(["ingest", csv, ...common, "--json"]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const analyze = await runFinops(["analyze", "--now", NOW.toISOString(), ...common, "--json"]);
    assert.equal(analyze.code, 0, analyze.stderr);
    const findings = JSON.parse(analyze.stdout).findings as {
      resourceId: string;
      monthlyCost: number | null;
    }[];
    const cost = Object.fromEntries(findings.map((f) => [f.resourceId, f.monthlyCost]));
    assert.equal(cost[dbArn("billed")], 139.65999, "its own 30 days of billing");
    assert.equal(cost[dbArn("peer")], 129.94, "730 hours at 0.178");
    assert.equal(cost[dbArn("stopped-peer")], 0);
    assert.equal(
      cost[dbArn("multi-az-peer")],
      null,
      "Multi-AZ is priced apart (no peer, no Price List here)",
    );
  } finally {
    dir.remove();
  }
});
