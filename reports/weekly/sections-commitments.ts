import { isZero } from "../../core/decimal.js";
import type { Decimal } from "../../core/money.js";
import type { CommitmentLine, ExpiringCommitment } from "../../store/commitments.js";
import { type Cell, cell, type Section, type Table, toneOf } from "./document.js";
import { count, dayBefore, money, plural, rate, shortRange, signedMoney, signedPoints } from "./format.js";
import type { CommitmentWeek, WeeklyReport } from "./model.js";

// The commitments section: Savings Plans and reservations this week against the week before, the
// commitments with the most unused money, and what expires soon.

/** The commitments the human formats list; the CSV and JSON carry every one. */
const TOP_COMMITMENTS = 10;

const day = (iso: string) => iso.slice(0, 10);
const weekSpan = (w: CommitmentWeek) => shortRange(w.from, dayBefore(w.to));

function figuresTable(report: WeeklyReport): Table {
  const { current: now, previousWeek: then, change } = report.commitments;
  const rateRow = (title: string, a: number | null, b: number | null, delta: number | null): Cell[] => [
    cell(title),
    cell(rate(a), "strong"),
    cell(rate(b), "muted"),
    cell(signedPoints(delta)),
  ];
  // Only the four figures the report compares get a change; the others are context for them.
  const moneyRow = (title: string, a: Decimal, b: Decimal, delta?: Decimal): Cell[] => [
    cell(title),
    cell(money(a)),
    cell(money(b), "muted"),
    delta ? cell(signedMoney(delta), toneOf(delta)) : cell(""),
  ];
  return {
    columns: [
      { title: "Figure" },
      { title: `This week (${weekSpan(now)})`, numeric: true },
      { title: `Week before (${weekSpan(then)})`, numeric: true },
      { title: "Change", numeric: true },
    ],
    rows: [
      rateRow("Utilization", now.utilization, then.utilization, change.utilization),
      rateRow("Coverage", now.coverage, then.coverage, change.coverage),
      rateRow(
        "Effective savings rate",
        now.effectiveSavingsRate,
        then.effectiveSavingsRate,
        change.effectiveSavingsRate,
      ),
      moneyRow("Unused commitment", now.unusedCost, then.unusedCost, change.unusedCost),
      moneyRow("Commitment cost (amortized)", now.commitmentCost, then.commitmentCost),
      moneyRow("Used", now.usedCost, then.usedCost),
      moneyRow(
        "On-demand equivalent of covered usage",
        now.onDemandEquivalentCost,
        then.onDemandEquivalentCost,
      ),
      moneyRow("Savings", now.savings, then.savings),
      moneyRow("Eligible usage on demand", now.eligibleOnDemandCost, then.eligibleOnDemandCost),
    ],
  };
}

function commitmentsTable(lines: CommitmentLine[]): Table {
  return {
    columns: [
      { title: "Commitment", code: true },
      { title: "Type" },
      { title: "Account" },
      { title: "Ends" },
      { title: "Cost", numeric: true },
      { title: "Unused", numeric: true },
      { title: "Utilization", numeric: true },
      { title: "Savings", numeric: true },
    ],
    rows: lines.map((c) => [
      cell(c.commitmentId),
      cell(c.type ?? "\u2013"),
      cell(c.account ?? "\u2013", "muted"),
      cell(c.end ? day(c.end) : "\u2013"),
      cell(money(c.commitmentCost)),
      cell(money(c.unusedCost), isZero(c.unusedCost) ? "muted" : "strong"),
      cell(rate(c.utilization)),
      cell(money(c.savings)),
    ]),
  };
}

function expiringTable(expiring: ExpiringCommitment[]): Table {
  return {
    columns: [
      { title: "Commitment", code: true },
      { title: "Type" },
      { title: "Account" },
      { title: "Ends" },
      { title: "Days left", numeric: true },
      { title: "On-demand cost / month if not renewed", numeric: true },
    ],
    rows: expiring.map((e) => [
      cell(e.commitmentId),
      cell(e.type ?? "\u2013"),
      cell(e.account ?? "\u2013", "muted"),
      cell(day(e.end)),
      cell(count(e.daysLeft)),
      cell(money(e.monthlyOnDemandCost)),
    ]),
  };
}

/** The headline sentence: the four figures and their change, or why there are none. */
function headline(report: WeeklyReport): string {
  const { current: now, previousWeek: then, change } = report.commitments;
  if (isZero(now.commitmentCost) && isZero(then.commitmentCost)) {
    return `No Savings Plan or reservation cost in this week or the week before: the **${money(now.eligibleOnDemandCost)}** of commitment-eligible usage this week ran on demand (coverage ${rate(now.coverage)}).`;
  }
  return (
    `**${rate(now.utilization)}** utilization this week (${signedPoints(change.utilization)} on the week before), ` +
    `**${rate(now.coverage)}** coverage (${signedPoints(change.coverage)}) and **${rate(now.effectiveSavingsRate)}** effective savings rate (${signedPoints(change.effectiveSavingsRate)}); ` +
    `**${money(now.unusedCost)}** of commitment went unused (${signedMoney(change.unusedCost)}).`
  );
}

function expiringSentence(report: WeeklyReport): string {
  const c = report.commitments;
  const within = `within ${plural(c.expiryWarningDays, "day")} of ${day(c.asOf)}`;
  const [soonest] = c.expiring;
  if (!soonest) return `No commitment ends ${within}.`;
  return (
    `**${plural(c.expiring.length, "commitment")}** ${c.expiring.length === 1 ? "ends" : "end"} ${within}; ` +
    `the soonest, \`${soonest.commitmentId}\`, on ${day(soonest.end)} (${plural(soonest.daysLeft, "day")} left).`
  );
}

export function commitmentsSection(report: WeeklyReport): Section {
  const c = report.commitments;
  if (!c.any) {
    return {
      id: "commitments",
      title: "Commitments",
      paragraphs: [
        "No Savings Plans or reservations: no commitment rows and no commitment-eligible usage in this week or the week before, and none expiring.",
      ],
      tables: [],
      notes: [],
    };
  }
  const shown = c.commitments.slice(0, TOP_COMMITMENTS);
  const more = c.commitments.length - shown.length;
  return {
    id: "commitments",
    title: "Commitments",
    paragraphs: [headline(report), expiringSentence(report)],
    tables: [
      { caption: "This week and the week before", table: figuresTable(report) },
      ...(shown.length
        ? [
            {
              caption:
                more > 0
                  ? `The ${shown.length} commitments with the most unused money this week (${count(more)} more in the CSV and JSON)`
                  : "Commitments this week, the most unused money first",
              table: commitmentsTable(shown),
            },
          ]
        : []),
      ...(c.expiring.length ? [{ caption: "Expiring", table: expiringTable(c.expiring) }] : []),
    ],
    notes: [
      `The figures of \`finops commitments --from ${c.current.from} --to ${c.current.to}\` and of the week before, over the same days. ` +
        "Utilization: used \u00f7 amortized commitment cost. Coverage: the covered usage's on-demand cost \u00f7 that of all commitment-eligible usage. " +
        "Effective savings rate: 1 \u2212 what eligible usage cost (commitments, unused part included, plus on demand) \u00f7 its on-demand cost. " +
        "Changes of rates are in percentage points. Expiry is measured from when the report was run.",
    ],
  };
}
