import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Decimal, formatMoney } from "../core/money.js";
import { openStore } from "../store/database.js";
import { runFinops } from "./helpers/cli.js";
import {
  billCsv,
  commitmentBill,
  days,
  expectedFigures,
  parseExact,
  RI,
  rowsIn,
  SP,
  TERMS_SQL,
} from "./helpers/commitment-bill.js";
import { fromScaled, toScaled } from "./helpers/decimal.js";
import { tempDir } from "./helpers/project.js";

/**
 * The weekly report's Commitments section against a bill the test writes (three weeks over a month
 * boundary; the reservation unused in the first two, partly used in the report week): each week's
 * figures are `finops commitments`' own for the same window and the sums of the rows, the week-over-
 * week changes are this week minus the week before, and every format carries them.
 */

type Figures = Record<string, string | null>;
interface CommitmentsJson {
  asOf: string;
  any: string | boolean;
  expiryWarningDays: string;
  current: Figures & { week: string; from: string; to: string };
  previousWeek: Figures & { week: string; from: string; to: string };
  change: {
    utilization: string | null;
    coverage: string | null;
    effectiveSavingsRate: string | null;
    unusedCost: string;
  };
  commitments: { commitmentId: string; unusedCost: string; utilization: string | null }[];
  expiring: { commitmentId: string; daysLeft: string; end: string; monthlyOnDemandCost: string }[];
}

const NOW = "2024-10-07T00:00:00Z";
const WEEK = { label: "2024-W40", from: "2024-09-30", to: "2024-10-07" };
const BEFORE = { label: "2024-W39", from: "2024-09-23", to: "2024-09-30" };
const rows = commitmentBill(days("2024-09-16", 21), WEEK.from);
const FIGURES = [
  "commitmentCost",
  "usedCost",
  "unusedCost",
  "onDemandEquivalentCost",
  "savings",
  "eligibleOnDemandCost",
] as const;
const RATES = ["utilization", "coverage", "effectiveSavingsRate"] as const;

const close = (actual: string | null, expected: number | null, what: string) => {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(Math.abs(Number(actual) - expected) < 1e-12, `${what}: ${actual} against ${expected}`);
};
const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`.replace(/^-/, "\u2212");
const points = (change: number) => {
  const p = Math.round(change * 1000) / 10;
  return p === 0 ? "0.0 pts" : `${p > 0 ? "+" : "\u2212"}${Math.abs(p).toFixed(1)} pts`;
};
const money = (text: string) => formatMoney(new Decimal(text)).replace(/^-/, "\u2212");

describe("the weekly report's Commitments section", () => {
  const dir = tempDir();
  const db = join(dir.path, "finops.duckdb");
  const out = join(dir.path, "reports");
  let report: CommitmentsJson;
  let files: string[] = [];

  before(async () => {
    const bill = join(dir.path, "bill.csv");
    writeFileSync(bill, billCsv(rows));
    const loaded = await runFinops(["ingest", bill, "--db", db]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const store = await openStore(db);
    try {
      await store.connection.run(TERMS_SQL);
    } finally {
      store.close();
    }
    const run = await runFinops([
      "report",
      "weekly",
      "--db",
      db,
      "--week",
      WEEK.label,
      "--now",
      NOW,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const parsed = parseExact<{ files: string[]; report: { commitments: CommitmentsJson } }>(run.stdout);
    report = parsed.report.commitments;
    files = parsed.files;
  });
  after(() => dir.remove());

  test("each week's figures are finops commitments' own for its window, and the sums of the rows", async () => {
    for (const [week, got] of [
      [WEEK, report.current],
      [BEFORE, report.previousWeek],
    ] as const) {
      assert.deepEqual([got.week, got.from, got.to], [week.label, week.from, week.to]);
      const cli = await runFinops([
        "commitments",
        "--db",
        db,
        "--from",
        week.from,
        "--to",
        week.to,
        "--now",
        NOW,
        "--json",
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      const summary = parseExact<{ summary: Figures }>(cli.stdout).summary;
      const expected = expectedFigures(rowsIn(rows, `${week.from}T00:00:00Z`, `${week.to}T00:00:00Z`));
      for (const field of FIGURES) {
        assert.equal(got[field], summary[field], `${week.label} ${field} is finops commitments'`);
        assert.equal(got[field], expected[field], `${week.label} ${field} is the rows' sum`);
      }
      for (const field of RATES) {
        assert.equal(got[field], summary[field], `${week.label} ${field} is finops commitments'`);
        close(got[field] ?? null, expected[field], `${week.label} ${field}`);
      }
    }
    // The reservation went from unused to partly used: the report week has more utilization.
    assert.ok(Number(report.current.utilization) > Number(report.previousWeek.utilization));
  });

  test("the week-over-week changes are this week minus the week before", () => {
    for (const field of RATES) {
      close(
        report.change[field],
        Number(report.current[field]) - Number(report.previousWeek[field]),
        `change of ${field}`,
      );
    }
    assert.equal(
      report.change.unusedCost,
      fromScaled(
        toScaled(report.current.unusedCost ?? "0") - toScaled(report.previousWeek.unusedCost ?? "0"),
      ),
    );
    assert.ok(Number(report.change.unusedCost) < 0, "the reservation's use cut the unused money");
  });

  test("every commitment is listed, and the reservation expiring 13 days after now", () => {
    assert.deepEqual(report.commitments.map((c) => c.commitmentId).sort(), [RI, SP].sort());
    assert.equal(report.asOf, NOW);
    assert.deepEqual(
      report.expiring.map((e) => [e.commitmentId, e.daysLeft, e.end]),
      [[RI, "13", "2024-10-20T00:00:00Z"]],
    );
    // What it covered in the 30 days before now, on demand: the report week's 3.1 a day.
    assert.equal(report.expiring[0]?.monthlyOnDemandCost, "21.7");
  });

  test("the Markdown, HTML, CSV and JSON files carry the same figures", () => {
    const file = (ext: string) => readFileSync(files.find((f) => f.endsWith(`.${ext}`)) ?? "", "utf8");
    const c = report.current;
    const p = report.previousWeek;
    const words = [
      pct(Number(c.utilization)),
      pct(Number(p.utilization)),
      points(Number(report.change.utilization)),
      pct(Number(c.coverage)),
      points(Number(report.change.coverage)),
      pct(Number(c.effectiveSavingsRate)),
      points(Number(report.change.effectiveSavingsRate)),
      money(c.unusedCost ?? "0"),
      money(p.unusedCost ?? "0"),
      `\u2212${formatMoney(new Decimal(report.change.unusedCost.replace(/^-/, "")))}`,
      RI,
      "2024-10-20",
    ];
    const md = file("md");
    const section = md.slice(md.indexOf(". Commitments"), md.indexOf(". Waste found"));
    assert.ok(section.length > 0, "the Markdown has a Commitments section before the waste");
    for (const word of words) assert.ok(section.includes(word), `Markdown: ${word}`);
    const html = file("html");
    const htmlSection = html.slice(
      html.indexOf('<section id="commitments"'),
      html.indexOf('<section id="waste"'),
    );
    for (const word of words) assert.ok(htmlSection.includes(word), `HTML: ${word}`);

    const csv = file("csv");
    const line = (...fields: string[]) =>
      assert.ok(csv.includes(`${fields.join(",")}\r\n`), fields.join(","));
    for (const field of [...FIGURES, ...RATES]) {
      line("commitments", "week", WEEK.label, field, String(c[field]));
      line("commitments", "previousWeek", BEFORE.label, field, String(p[field]));
    }
    for (const field of [...RATES, "unusedCost"] as const) {
      line("commitments", "change", WEEK.label, field, String(report.change[field]));
    }
    line("commitmentsExpiring", "commitment", RI, "daysLeft", "13");
    line(
      "commitments",
      "commitment",
      SP,
      "unusedCost",
      String(report.commitments.find((l) => l.commitmentId === SP)?.unusedCost),
    );

    const json = parseExact<{ commitments: CommitmentsJson }>(file("json"));
    assert.deepEqual(json.commitments, report);
  });

  test("a week without commitments or eligible usage says so in one line, in every format", async () => {
    const empty = join(dir.path, "empty");
    const run = await runFinops([
      "report",
      "weekly",
      "--db",
      db,
      "--week",
      "2024-W20",
      "--now",
      "2024-12-01T00:00:00Z",
      "--out",
      empty,
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const parsed = parseExact<{ files: string[]; report: { commitments: CommitmentsJson } }>(run.stdout);
    assert.equal(parsed.report.commitments.any, false);
    assert.deepEqual(parsed.report.commitments.expiring, []);
    const md = readFileSync(parsed.files.find((f) => f.endsWith(".md")) ?? "", "utf8");
    const section = md.slice(md.indexOf(". Commitments"), md.indexOf("## ", md.indexOf(". Commitments")));
    assert.match(
      section,
      /No Savings Plans or reservations: no commitment rows and no commitment-eligible usage/,
    );
    assert.doesNotMatch(section, /\|/, "no table");
    const html = readFileSync(parsed.files.find((f) => f.endsWith(".html")) ?? "", "utf8");
    const htmlSection = html.slice(
      html.indexOf('<section id="commitments"'),
      html.indexOf('<section id="waste"'),
    );
    assert.match(htmlSection, /No Savings Plans or reservations/);
    assert.doesNotMatch(htmlSection, /<table/);
  });
});
