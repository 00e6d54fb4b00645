import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runFinops } from "./helpers/cli.js";
import { tempDir } from "./helpers/project.js";
import { type SeedCharge, writeFocusCsv } from "./helpers/seed.js";

// The weekly report tells the truth about its own data: a week still being billed says so, is compared
// with the same days of the earlier weeks, and forecasts from its billed days; a closed month is actual.

function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const charges = (list: string[], cost: string): SeedCharge[] =>
  list.map((day) => ({ account: "222222222222", resourceId: "i-app", day, cost }));

const parseExact = <T>(stdout: string): T =>
  JSON.parse(stdout.replace(/(":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;

interface Money {
  effectiveCost: string;
  billedCost: string;
}
interface Report {
  complete: boolean;
  billedDays: string;
  compared: { from: string; to: string; days: string };
  totals: {
    current: Money;
    previousWeek: Money & { from: string; to: string; days: string; effectiveChangePercent: string | null };
    fourWeeksEarlier: Money & { from: string; to: string; effectiveChangePercent: string | null };
  };
  byService: { total: { previous: Money } };
  monthToDate: Money & {
    from: string;
    to: string;
    days: string;
    monthEnd: {
      basis: string;
      effectiveCost: string;
      dailyMean: string | null;
      remainingDays: string;
    };
  };
}

describe("finops report weekly on a week still being billed, and on a closed month", () => {
  const dir = tempDir();
  const db = join(dir.path, "partial.duckdb");
  const out = join(dir.path, "reports");

  before(async () => {
    const csv = join(dir.path, "bill.csv");
    // 100 a day from 1 August, 200 a day in August's last six days, and September billed up to
    // Wednesday 18th: the week of 16–22 September has 3 of its 7 days.
    writeFocusCsv(csv, [
      ...charges(days("2024-08-01", "2024-08-25"), "100"),
      ...charges(days("2024-08-26", "2024-08-31"), "200"),
      ...charges(days("2024-09-01", "2024-09-18"), "100"),
    ]);
    const loaded = await runFinops(["ingest", csv, "--db", db, "--json"]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });
  after(() => dir.remove());

  const report = async (week: string) => {
    const result = await runFinops(["report", "weekly", "--week", week, "--db", db, "--out", out, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    return parseExact<{ report: Report }>(result.stdout).report;
  };

  test("a partial week is flagged, compared over the same days, and forecast from its billed days", async () => {
    const r = await report("2024-W38");
    assert.equal(r.complete, false);
    assert.equal(r.billedDays, "3");
    assert.deepEqual(r.compared, { from: "2024-09-16", to: "2024-09-19", days: "3" });
    assert.equal(r.totals.current.effectiveCost, "300");
    // Monday to Wednesday of each earlier week, not its 7 days (which read as "−57.1%").
    assert.deepEqual(
      [r.totals.previousWeek.from, r.totals.previousWeek.to, r.totals.previousWeek.effectiveCost],
      ["2024-09-09", "2024-09-12", "300"],
    );
    assert.equal(r.totals.previousWeek.effectiveChangePercent, "0");
    assert.equal(r.totals.fourWeeksEarlier.from, "2024-08-19");
    assert.equal(r.totals.fourWeeksEarlier.effectiveCost, "300");
    assert.equal(r.byService.total.previous.effectiveCost, "300");
    // Month to date up to the last billed day, and the run rate over the 3 billed days, not 7.
    assert.deepEqual(
      [r.monthToDate.to, r.monthToDate.days, r.monthToDate.effectiveCost],
      ["2024-09-19", "18", "1800"],
    );
    assert.deepEqual(
      [
        r.monthToDate.monthEnd.basis,
        r.monthToDate.monthEnd.dailyMean,
        r.monthToDate.monthEnd.remainingDays,
        r.monthToDate.monthEnd.effectiveCost,
      ],
      ["forecast", "100", "12", "3000"],
    );

    const md = readFileSync(join(out, "finops-weekly-2024-W38.md"), "utf8");
    assert.match(md, /Partial week: billing has 3 of its 7 days \(Mon 16 Sep – Wed 18 Sep\)/);
    assert.match(
      md,
      /Spend this week \(3 of 7 days billed\): 300\.00\*\* – 0\.00 \(0\.0%\) vs the same 3 days last week/,
    );
    assert.match(md, /over its 3 billed days\) the month ends near \*\*3,000\.00\*\*/);
    const html = readFileSync(join(out, "finops-weekly-2024-W38.html"), "utf8");
    assert.match(html, /Partial week: billing has 3 of its 7 days/);
    assert.match(html, /vs the same 3 days last week/);
    const csv = readFileSync(join(out, "finops-weekly-2024-W38.csv"), "utf8").split("\r\n");
    assert.ok(csv.includes("total,week,2024-W38,complete,false"));
    assert.ok(csv.includes("total,week,2024-W38,billedDays,3"));
    assert.ok(csv.includes("total,previousWeek,2024-W37,days,3"));
    const plain = await runFinops(["report", "weekly", "--week", "2024-W38", "--db", db, "--out", out]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stderr,
      /0\.0% on the week before over the same 3 days \(partial week: 3 of 7 days billed\)/,
    );
  });

  test("a complete week is marked complete and compared over 7 days", async () => {
    const r = await report("2024-W37");
    assert.equal(r.complete, true);
    assert.equal(r.billedDays, "7");
    assert.equal(r.totals.previousWeek.days, "7");
    assert.equal(r.totals.previousWeek.effectiveCost, "700");
    assert.equal(r.monthToDate.monthEnd.basis, "forecast");
    assert.equal(r.monthToDate.monthEnd.effectiveCost, "3000");
    const md = readFileSync(join(out, "finops-weekly-2024-W37.md"), "utf8");
    assert.doesNotMatch(md, /Partial week/);
  });

  test("a month the bill has closed is reported as actual, not forecast", async () => {
    // 19–25 August: August's last day is billed, so its total is the bill's: 25 × 100 + 6 × 200.
    const r = await report("2024-W34");
    assert.equal(r.monthToDate.effectiveCost, "2500");
    assert.equal(r.monthToDate.monthEnd.basis, "actual");
    assert.equal(r.monthToDate.monthEnd.effectiveCost, "3700");
    assert.equal(r.monthToDate.monthEnd.dailyMean, null);
    const md = readFileSync(join(out, "finops-weekly-2024-W34.md"), "utf8");
    assert.match(md, /Month to date and actual month/);
    assert.match(md, /\| August 2024 actual \(closed\) \| 3,700\.00 \|/);
    assert.match(md, /month closed: actual 3,700\.00/);
    assert.doesNotMatch(md, /forecast/i);
    const html = readFileSync(join(out, "finops-weekly-2024-W34.html"), "utf8");
    assert.match(html, /August 2024 actual \(closed\)/);
    assert.doesNotMatch(html, /forecast/i);
    const csv = readFileSync(join(out, "finops-weekly-2024-W34.csv"), "utf8").split("\r\n");
    assert.ok(csv.includes("monthToDate,month,2024-08,monthEndBasis,actual"));
    assert.ok(csv.includes("monthToDate,month,2024-08,monthEndEffectiveCost,3700"));
  });
});
