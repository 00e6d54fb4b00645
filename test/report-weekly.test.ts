import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { lastFullWeek, parseWeek, weekOf } from "../reports/weekly/week.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import { fromScaled, parseCostsJson, toScaled } from "./helpers/decimal.js";
import { FOCUS_SAMPLE, PROJECT_ROOT, tempDir } from "./helpers/project.js";

type Money = { effectiveCost: string; billedCost: string };
interface Row {
  key: string | null;
  label: string;
  other: boolean;
  current: Money;
  previous: Money;
}
interface Breakdown {
  rows: Row[];
  total: { current: Money; previous: Money };
}
interface Report {
  week: string;
  from: string;
  to: string;
  hasBilling: boolean;
  totals: {
    current: Money;
    previousWeek: Money & { from: string; to: string };
    fourWeeksEarlier: Money & { from: string; to: string };
  };
  byService: Breakdown;
  byAccount: Breakdown;
  byTeam: Breakdown;
  monthToDate: Money & { from: string; to: string };
  tagCoverage: { allocated: string; unallocated: string; total: string };
  daily: (Money & { day: string; inWeek: boolean; byService: Record<string, string> })[];
  savingsRealised: {
    items: { resourceId: string; estimatedMonthlySavings: string | null; inWeek: boolean }[];
    estimatedMonthlySavings: string;
  };
}

/** Every number of the JSON as text, so that money keeps every digit (a double would round it). */
function parseExact<T>(stdout: string): T {
  return JSON.parse(stdout.replace(/(":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"')) as T;
}

const sum = (values: string[]) => fromScaled(values.reduce((total, v) => total + toScaled(v), 0n));

async function report(db: string, out: string, ...args: string[]) {
  const result = await runFinops(["report", "weekly", "--db", db, "--out", out, "--json", ...args]);
  assert.equal(result.code, 0, result.stderr);
  return parseExact<{ week: string; files: string[]; report: Report }>(result.stdout);
}

async function costs(db: string, by: string, from: string, to: string) {
  const result = await runFinops(["costs", "--by", by, "--from", from, "--to", to, "--db", db, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return parseCostsJson(result.stdout);
}

/**
 * A breakdown against `finops costs --by X` of the same window: each shown row is the costs line of its
 * key, "Other" is the sum of the lines not shown, and the total is the sum of every line.
 */
function assertReconciles(
  name: string,
  breakdown: Breakdown,
  week: "current" | "previous",
  lines: { key: string | null; billedCost: string; effectiveCost: string }[],
) {
  const byKey = new Map(lines.map((l) => [l.key, l]));
  const shown = new Set<string | null>();
  for (const row of breakdown.rows.filter((r) => !r.other)) {
    const line = byKey.get(row.key);
    // A key that spent only in the other week has no line in this one.
    assert.equal(row[week].effectiveCost, line?.effectiveCost ?? "0", `${name} ${week} ${row.key} effective`);
    assert.equal(row[week].billedCost, line?.billedCost ?? "0", `${name} ${week} ${row.key} billed`);
    shown.add(row.key);
  }
  const rest = lines.filter((l) => !shown.has(l.key));
  const other = breakdown.rows.find((r) => r.other);
  if (other) {
    assert.equal(other[week].effectiveCost, sum(rest.map((l) => l.effectiveCost)), `${name} ${week} other`);
    assert.equal(other[week].billedCost, sum(rest.map((l) => l.billedCost)), `${name} ${week} other billed`);
  } else {
    assert.equal(rest.length, 0, `${name}: every ${week} key is shown when there is no Other row`);
  }
  assert.equal(breakdown.total[week].effectiveCost, sum(lines.map((l) => l.effectiveCost)), `${name} total`);
  assert.equal(breakdown.total[week].billedCost, sum(lines.map((l) => l.billedCost)), `${name} total billed`);
}

async function assertReportReconciles(db: string, r: Report) {
  const previous = r.totals.previousWeek;
  for (const [name, breakdown] of [
    ["service", r.byService],
    ["account", r.byAccount],
    ["team", r.byTeam],
  ] as const) {
    const lines = await costs(db, name, r.from, r.to);
    assertReconciles(name, breakdown, "current", lines);
    assertReconciles(name, breakdown, "previous", await costs(db, name, previous.from, previous.to));
    assert.equal(
      r.totals.current.effectiveCost,
      sum(lines.map((l) => l.effectiveCost)),
      `week total = --by ${name}`,
    );
    assert.equal(
      r.totals.current.billedCost,
      sum(lines.map((l) => l.billedCost)),
      `week billed = --by ${name}`,
    );
  }
  for (const [label, period] of [
    ["week before", previous],
    ["four weeks earlier", r.totals.fourWeeksEarlier],
    ["month to date", r.monthToDate],
  ] as const) {
    const lines = await costs(db, "service", period.from, period.to);
    assert.equal(period.effectiveCost, sum(lines.map((l) => l.effectiveCost)), `${label} effective`);
    assert.equal(period.billedCost, sum(lines.map((l) => l.billedCost)), `${label} billed`);
  }
  // The week's days add up to the week, and tag coverage splits the team total.
  const days = r.daily.filter((d) => d.inWeek);
  assert.equal(days.length, 7);
  assert.equal(
    sum(days.map((d) => d.effectiveCost)),
    r.totals.current.effectiveCost,
    "daily sums to the week",
  );
  for (const day of days)
    assert.equal(sum(Object.values(day.byService)), day.effectiveCost, `${day.day} by service`);
  assert.equal(
    sum([r.tagCoverage.allocated, r.tagCoverage.unallocated]),
    r.byTeam.total.current.effectiveCost,
  );
}

test("ISO weeks: Monday to Sunday UTC, numbered by their Thursday's year", () => {
  assert.equal(weekOf(new Date("2021-01-03T12:00:00Z")).label, "2020-W53");
  assert.equal(weekOf(new Date("2024-12-30T00:00:00Z")).label, "2025-W01");
  assert.equal(parseWeek("2026-W53").start.toISOString(), "2026-12-28T00:00:00.000Z");
  assert.equal(parseWeek("2024-W37").start.toISOString(), "2024-09-09T00:00:00.000Z");
  // A week is full once its Sunday has ended.
  assert.equal(lastFullWeek(new Date("2024-09-16T00:00:00Z")).label, "2024-W37");
  assert.equal(lastFullWeek(new Date("2024-09-15T23:59:59Z")).label, "2024-W36");
});

describe("finops report weekly", () => {
  const dir = tempDir();
  const demoDb = join(dir.path, "demo.duckdb");
  const sampleDb = join(dir.path, "sample.duckdb");
  const out = join(dir.path, "reports");
  let demo: { week: string; files: string[]; report: Report };

  before(async () => {
    const built = await runFinops(["demo", "--no-serve", "--db", demoDb, "--now", "2024-09-18", "--json"]);
    assert.equal(built.code, 0, built.stderr);
    const loaded = await runFinops(["ingest", FOCUS_SAMPLE, "--db", sampleDb, "--json"]);
    assert.equal(loaded.code, 0, loaded.stderr);
    // No --week: the last full ISO week before --now (Wednesday 18 September 2024).
    demo = await report(demoDb, out, "--now", "2024-09-18T12:00:00Z");
  });
  after(() => dir.remove());

  test("without --week it reports the last full ISO week before --now, in every configured format", () => {
    assert.equal(demo.week, "2024-W37");
    assert.equal(demo.report.from, "2024-09-09");
    assert.equal(demo.report.to, "2024-09-16");
    assert.deepEqual(
      demo.files.map((f) => f.slice(out.length + 1)).sort(),
      ["csv", "html", "json", "md"].map((ext) => `finops-weekly-2024-W37.${ext}`),
    );
    for (const file of demo.files) assert.ok(existsSync(file), file);
    // The json file is the same report model as --json prints.
    const saved = parseExact<Report>(readFileSync(join(out, "finops-weekly-2024-W37.json"), "utf8"));
    assert.deepEqual(saved.totals, demo.report.totals);
  });

  test("on the demo, every figure equals finops costs for the same windows", async () => {
    assert.ok(demo.report.hasBilling);
    assert.ok(demo.report.byTeam.rows.length > 10, "the demo's twelve teams");
    await assertReportReconciles(demoDb, demo.report);
  });

  test("on the FOCUS sample, every figure equals finops costs for the same windows", async () => {
    const sample = await report(sampleDb, out, "--week", "2024-W38", "--format", "json");
    assert.equal(sample.report.from, "2024-09-16");
    assert.ok(sample.report.hasBilling);
    await assertReportReconciles(sampleDb, sample.report);
    assert.deepEqual(sample.files, [join(out, "finops-weekly-2024-W38.json")], "only the format asked for");
  });

  test("the CSV is one tidy table holding the report's figures with every digit", () => {
    const csv = readFileSync(join(out, "finops-weekly-2024-W37.csv"), "utf8").trimEnd().split("\r\n");
    assert.equal(csv[0], "section,dimension,key,metric,value");
    assert.ok(csv.includes(`total,week,2024-W37,effectiveCost,${demo.report.totals.current.effectiveCost}`));
    const sections = new Set(csv.slice(1).map((line) => line.split(",")[0]));
    for (const section of [
      "total",
      "byService",
      "byAccount",
      "byTeam",
      "monthToDate",
      "tagCoverage",
      "waste",
    ]) {
      assert.ok(sections.has(section), section);
    }
    const md = readFileSync(join(out, "finops-weekly-2024-W37.md"), "utf8");
    assert.match(md, /^# Weekly cloud cost report – 2024-W37/);
    assert.match(md, /Forecast method: /);
    assert.match(md, /Method: For each day/);
  });

  test("the HTML is one self-contained file: no URL, no script, inline SVG charts", () => {
    const html = readFileSync(join(out, "finops-weekly-2024-W37.html"), "utf8");
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*\/\//i);
    assert.doesNotMatch(html, /@import|url\(|<script|<link|<img|<iframe/i);
    assert.match(html, /<style>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 2, "the daily and the team chart");
    assert.match(html, /<title>Weekly cloud cost report – 2024-W37/);
  });

  const chromiumPath = "/usr/bin/chromium";
  test("the HTML opens offline in Chromium with no request but its own file (screenshot in test-artifacts/)", {
    skip: existsSync(chromiumPath)
      ? false
      : `${chromiumPath} is missing: cannot open the report in a browser`,
  }, async () => {
    const { chromium } = await import("playwright-core");
    const file = join(out, "finops-weekly-2024-W37.html");
    const url = pathToFileURL(file).href;
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const requests: string[] = [];
      page.on("request", (request) => {
        requests.push(request.url());
      });
      await page.route("**", (route) => (route.request().url() === url ? route.continue() : route.abort()));
      await page.goto(url, { waitUntil: "load" });
      assert.deepEqual(requests, [url], "no request other than the file itself");
      assert.match(await page.title(), /2024-W37/);
      assert.match((await page.locator("h1").textContent()) ?? "", /Weekly cloud cost report – 2024-W37/);
      assert.ok((await page.locator('[data-chart="daily-by-service"] svg rect.bar').count()) > 7 * 3);
      assert.ok((await page.locator('[data-chart="spend-by-team"] svg rect.bar').count()) > 10);
      const box = await page.locator('[data-chart="daily-by-service"] svg').boundingBox();
      assert.ok(box && box.width > 300 && box.height > 150, "the chart is drawn at a readable size");
      const artifacts = join(PROJECT_ROOT, "test-artifacts");
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "weekly-report.png"), fullPage: true });
      assert.deepEqual(requests, [url], "still no request after rendering everything");
    } finally {
      await browser.close();
    }
  });

  test("a bad --week or --format is a usage error (exit 2) naming the flag", async () => {
    for (const week of ["2024-37", "2024-W00", "2024-W53", "W37", "2024-W7"]) {
      const result = await runFinops(["report", "weekly", "--week", week, "--db", sampleDb, "--out", out]);
      assert.equal(result.code, 2, `${week}: ${result.stderr}`);
      assert.match(result.stderr, /--week: /);
    }
    const format = await runFinops(["report", "weekly", "--format", "pdf", "--db", sampleDb, "--out", out]);
    assert.equal(format.code, 2, format.stderr);
    assert.match(format.stderr, /--format: "pdf"/);
    // 2020 had 53 ISO weeks.
    const w53 = await report(sampleDb, out, "--week", "2020-W53", "--format", "json");
    assert.equal(w53.report.from, "2020-12-28");
  });

  test("a week with no billing gives a report that says so", async () => {
    const empty = await report(sampleDb, out, "--week", "2023-W10", "--format", "md,html");
    assert.equal(empty.report.hasBilling, false);
    assert.equal(empty.report.totals.current.effectiveCost, "0");
    const md = readFileSync(join(out, "finops-weekly-2023-W10.md"), "utf8");
    assert.match(md, /No billing for this week/);
    assert.match(readFileSync(join(out, "finops-weekly-2023-W10.html"), "utf8"), /No billing for this week/);
  });

  test("--out and --format default to rules.yaml's report settings", async () => {
    const configured = join(dir.path, "from-config");
    const config = join(dir.path, "rules.yaml");
    writeFileSync(config, `report:\n  out: ${JSON.stringify(configured)}\n  formats: [md, csv]\n`);
    const result = await runFinops([
      "report",
      "weekly",
      "--week",
      "2024-W38",
      "--db",
      sampleDb,
      "--config",
      config,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split("\n"), [
      join(configured, "finops-weekly-2024-W38.md"),
      join(configured, "finops-weekly-2024-W38.csv"),
    ]);
    assert.deepEqual(readdirSync(configured).sort(), [
      "finops-weekly-2024-W38.csv",
      "finops-weekly-2024-W38.md",
    ]);
  });

  test("savings realised: remediation done in the week, with each plan item's estimated savings", async () => {
    const store = await openStore(sampleDb);
    try {
      const item = (action: string, resourceId: string, savings: string | null) => ({
        rule: "idle-instance",
        findingId: null,
        account: "123456789012",
        region: "us-east-1",
        resourceId,
        resourceType: "ec2:instance",
        action,
        reason: "idle",
        team: "ml",
        estimatedMonthlySavings: savings,
        approval: "manual",
        markTag: "finops:marked-for",
        markValue: null,
        preconditions: { state: "running", attachments: [], tags: {} },
      });
      const content = {
        version: 1,
        items: [
          item("stop", "i-stopped", "123.456"),
          item("mark", "i-marked", "99"),
          item("stop", "i-later", "7"),
        ],
      };
      await store.connection.run(
        `INSERT INTO plans VALUES ('plan-test', TIMESTAMP '2024-09-17 09:00:00', TIMESTAMP '2024-09-17 09:00:00', $1, 3)`,
        [JSON.stringify(content)],
      );
      const journal = async (item: number, resourceId: string, action: string, status: string, at: string) =>
        store.connection.run(
          `INSERT INTO journal (run_id, plan_id, approved_by, item, step, resource_id, action, status, logged_at)
           VALUES ('run-test', 'plan-test', 'alice', $1, 'item', $2, $3, $4, CAST($5 AS TIMESTAMP))`,
          [item, resourceId, action, status, at],
        );
      await journal(0, "i-stopped", "stop", "started", "2024-09-18 10:00:00");
      await journal(0, "i-stopped", "stop", "done", "2024-09-18 10:00:05");
      // A mark changes no cost; an item done after the week belongs to the next report.
      await journal(1, "i-marked", "mark", "done", "2024-09-18 10:00:06");
      await journal(2, "i-later", "stop", "done", "2024-09-23 10:00:00");
    } finally {
      store.close();
    }
    const withSavings = await report(sampleDb, out, "--week", "2024-W38", "--format", "md");
    const realised = withSavings.report.savingsRealised;
    assert.deepEqual(
      realised.items.map((i) => [i.resourceId, i.estimatedMonthlySavings]),
      [["i-stopped", "123.456"]],
    );
    assert.equal(realised.estimatedMonthlySavings, "123.456");
    assert.match(readFileSync(join(out, "finops-weekly-2024-W38.md"), "utf8"), /1 remediation\*\* completed/);
    // The next week's report also shows the week before's actions: their days after are billed by then.
    const next = await report(sampleDb, out, "--week", "2024-W39", "--format", "json");
    assert.deepEqual(
      next.report.savingsRealised.items.map((i) => [i.resourceId, i.inWeek]),
      [
        ["i-stopped", false],
        ["i-later", true],
      ],
    );
  });
});
