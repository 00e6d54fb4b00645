import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, writeFocusCsv } from "./helpers/seed.js";

// Realised savings come from the bill: the resource's mean daily cost over the billed days before the
// action day against the full billed days after it, × 30, by id or ARN; pending until 3 days after are billed.

const ACCOUNT = "111111111111";
const SNAPSHOT_ARN = `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/snap-arn`;

/** Every ISO day from first to last, inclusive. */
function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const charges = (resourceId: string, list: string[], cost: string): SeedCharge[] =>
  list.map((day) => ({ account: ACCOUNT, resourceId, day, cost }));

/** Every number of the JSON as text, so that money keeps every digit. */
const parseExact = <T>(stdout: string): T =>
  JSON.parse(stdout.replace(/(":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;

interface Entry {
  resourceId: string;
  action: string;
  status: string;
  estimatedMonthlySavings: string | null;
  realisedMonthlySavings: string | null;
  realisedStatus: string | null;
  billedDaysBefore: string | null;
  billedDaysAfter: string | null;
}

describe("realised savings, measured on the bill", () => {
  const dir = tempDir();
  const db = join(dir.path, "realised.duckdb");
  const out = join(dir.path, "reports");

  before(async () => {
    const csv = join(dir.path, "bill.csv");
    writeFocusCsv(csv, [
      // Another resource bills every day from 20 August to 20 September: the account's billed days.
      ...charges("vol-other", days("2024-08-20", "2024-09-20"), "1"),
      // Stopped on 10 September: 10.10 a day for the 14 days before, 0.35 a day after (what stays).
      ...charges("i-measured", days("2024-08-27", "2024-09-09"), "10.1"),
      ...charges("i-measured", ["2024-09-10"], "5"),
      ...charges("i-measured", days("2024-09-11", "2024-09-20"), "0.35"),
      // Billed under its ARN only; deleted on 10 September.
      ...charges(SNAPSHOT_ARN, days("2024-08-27", "2024-09-10"), "2"),
      // Stopped on 18 September: the bill has only 19 September in full after it.
      ...charges("i-pending", days("2024-09-01", "2024-09-20"), "4"),
    ]);
    const loaded = await runFinops(["ingest", csv, "--db", db, "--json"]);
    assert.equal(loaded.code, 0, loaded.stderr);

    const store = await openStore(db);
    try {
      const item = (resourceId: string, resourceType: string, action: string, savings: string) => ({
        rule: "test-rule",
        findingId: null,
        account: ACCOUNT,
        region: "us-east-1",
        resourceId,
        resourceType,
        action,
        reason: "test",
        team: "ml",
        estimatedMonthlySavings: savings,
        approval: "manual",
        markTag: "finops:marked-for",
        markValue: null,
        preconditions: { state: "running", attachments: [], tags: {} },
      });
      const items = [
        item("i-measured", "ec2:instance", "stop", "300"),
        item("snap-arn", "ec2:snapshot", "delete", "61"),
        item("i-pending", "ec2:instance", "stop", "120"),
        item("i-unbilled", "ec2:instance", "terminate", "50"),
        item("i-marked", "ec2:instance", "mark", "99"),
      ];
      await store.connection.run(
        `INSERT INTO plans VALUES ('plan-r', TIMESTAMP '2024-09-09 09:00:00', TIMESTAMP '2024-09-09 09:00:00', $1, $2)`,
        [JSON.stringify({ version: 1, items }), items.length],
      );
      const done = (index: number, at: string) => {
        const it = items[index] as { resourceId: string; action: string };
        return store.connection.run(
          `INSERT INTO journal (run_id, plan_id, approved_by, item, step, resource_id, action, status, logged_at)
           VALUES ('run-r', 'plan-r', 'alice', $1, 'item', $2, $3, 'done', CAST($4 AS TIMESTAMP))`,
          [index, it.resourceId, it.action, at],
        );
      };
      await done(0, "2024-09-10 10:00:00");
      await done(1, "2024-09-10 10:05:00");
      await done(2, "2024-09-18 16:00:00");
      await done(3, "2024-09-10 11:00:00");
      await done(4, "2024-09-09 10:00:00");
    } finally {
      store.close();
    }
  });
  after(() => dir.remove());

  test("finops history --json: estimated from the plan beside realised from the bill, per action", async () => {
    const result = await runFinops(["history", "--db", db, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const entries = parseExact<Entry[]>(result.stdout);
    const by = (id: string) => entries.find((e) => e.resourceId === id) as Entry;
    // (141.4 ÷ 14 − 3.15 ÷ 9) × 30 = (10.10 − 0.35) × 30: the action day (5.00) is in neither mean, and
    // 20 September, the bill's latest day, is not yet a full day.
    assert.deepEqual(
      [
        by("i-measured").realisedStatus,
        by("i-measured").realisedMonthlySavings,
        by("i-measured").estimatedMonthlySavings,
        by("i-measured").billedDaysBefore,
        by("i-measured").billedDaysAfter,
      ],
      ["measured", "292.5", "300", "14", "9"],
    );
    // Billing names the snapshot by its ARN only: it is matched, and nothing after means all of it saved.
    assert.equal(by("snap-arn").realisedStatus, "measured");
    assert.equal(by("snap-arn").realisedMonthlySavings, "60");
    // One full day billed after 18 September: pending, with no figure guessed.
    assert.equal(by("i-pending").realisedStatus, "pending");
    assert.equal(by("i-pending").realisedMonthlySavings, null);
    assert.equal(by("i-pending").billedDaysAfter, "1");
    assert.equal(by("i-pending").estimatedMonthlySavings, "120");
    // No billing row names it: the bill cannot say what it saved.
    assert.equal(by("i-unbilled").realisedStatus, "unmatched");
    assert.equal(by("i-unbilled").realisedMonthlySavings, null);
    // A mark changes no cost: nothing to measure.
    assert.equal(by("i-marked").realisedStatus, null);
    assert.equal(by("i-marked").estimatedMonthlySavings, "99");

    const table = await runFinops(["history", "--db", db]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /estimated\/mo.*realised\/mo/);
    assert.match(table.stdout, /i-measured .*300\.00 .*292\.50/);
    assert.match(table.stdout, /i-pending .*120\.00 .*pending \(1\/3 days billed\)/);
  });

  test("the weekly report's savings realised: per action and measured totals, in every format", async () => {
    const result = await runFinops([
      "report",
      "weekly",
      "--week",
      "2024-W38",
      "--db",
      db,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const s = parseExact<{
      report: {
        savingsRealised: {
          from: string;
          items: (Entry & { inWeek: boolean })[];
          measured: { items: string; estimatedMonthlySavings: string; realisedMonthlySavings: string };
          pending: string;
          unmatched: string;
        };
      };
    }>(result.stdout).report.savingsRealised;
    // The week and the three before it, so that last week's actions have billed days after them.
    assert.equal(s.from, "2024-08-26");
    assert.deepEqual(
      s.items.map((i) => [i.resourceId, i.realisedStatus, i.realisedMonthlySavings, String(i.inWeek)]),
      [
        ["i-measured", "measured", "292.5", "false"],
        ["i-pending", "pending", null, "true"],
        ["snap-arn", "measured", "60", "false"],
        ["i-unbilled", "unmatched", null, "false"],
      ],
    );
    // Like with like: the measured actions' realised total beside their own estimates.
    assert.deepEqual(s.measured, {
      items: "2",
      estimatedMonthlySavings: "361",
      realisedMonthlySavings: "352.5",
    });
    assert.equal(s.pending, "1");
    assert.equal(s.unmatched, "1");

    const md = readFileSync(join(out, "finops-weekly-2024-W38.md"), "utf8");
    assert.match(
      md,
      /The bill shows \*\*352\.50 a month\*\* saved by the 2 actions it measures \(estimated 361\.00\)/,
    );
    assert.match(md, /\| i-measured \|.*\| 300\.00 \| 292\.50 \|/);
    assert.match(md, /\| i-pending \|.*\| 120\.00 \| pending: 1 of 3 days billed \|/);
    const html = readFileSync(join(out, "finops-weekly-2024-W38.html"), "utf8");
    assert.match(html, /Realised \/ month/);
    assert.match(html, /pending: 1 of 3 days billed/);
    const csv = readFileSync(join(out, "finops-weekly-2024-W38.csv"), "utf8").split("\r\n");
    assert.ok(csv.includes("savingsRealised,resource,i-measured,realisedMonthlySavings,292.5"));
    assert.ok(csv.includes("savingsRealised,resource,i-pending,realisedStatus,pending"));
    assert.ok(csv.includes("savingsRealised,resource,i-pending,realisedMonthlySavings,"));
    assert.ok(csv.includes("savingsRealised,measured,Total,realisedMonthlySavings,352.5"));
  });
});
