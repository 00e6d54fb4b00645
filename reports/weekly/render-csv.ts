import { Decimal } from "../../core/money.js";
import type { Breakdown, CommitmentsWeekly, CommitmentWeek, Money, WeeklyReport } from "./model.js";

// One tidy table of every figure: section, dimension, key, metric, value. Money keeps every digit (as
// `finops costs --json` does), so a spreadsheet can re-add the report to the cent. Where a figure
// belongs to a day and a key, the dimension says so ("day/service") and the key joins both with "/".

type Value = Decimal | number | string | null;
type Row = [section: string, dimension: string, key: string, metric: string, value: Value];

const HEADER = ["section", "dimension", "key", "metric", "value"];

/** Quotes per RFC 4180; text a spreadsheet would run as a formula gets a leading apostrophe. */
function field(value: Value): string {
  let text = value === null ? "" : value instanceof Decimal ? value.toString() : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text))
    text = `'${text}`;
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function moneyRows(section: string, dimension: string, key: string, m: Money, prefix = ""): Row[] {
  const name = (metric: string) =>
    prefix ? `${prefix}${metric[0]?.toUpperCase()}${metric.slice(1)}` : metric;
  return [
    [section, dimension, key, name("effectiveCost"), m.effectiveCost],
    [section, dimension, key, name("billedCost"), m.billedCost],
  ];
}

function breakdownRows(section: string, b: Breakdown): Row[] {
  const rows: Row[] = [];
  for (const r of b.rows) {
    const key = r.other ? r.label : (r.key ?? "");
    rows.push(
      ...moneyRows(section, b.dimension, key, r.current),
      ...moneyRows(section, b.dimension, key, r.previous, "previousWeek"),
      [section, b.dimension, key, "change", r.change],
      [section, b.dimension, key, "changePercent", r.changePercent],
    );
  }
  rows.push(
    ...moneyRows(section, b.dimension, "Total", b.total.current),
    ...moneyRows(section, b.dimension, "Total", b.total.previous, "previousWeek"),
    [section, b.dimension, "Total", "change", b.total.change],
    [section, b.dimension, "Total", "changePercent", b.total.changePercent],
  );
  return rows;
}

/** A week's commitment summary: the dimension says which week, the key is its label; rates as fractions. */
function commitmentWeekRows(dimension: string, w: CommitmentWeek): Row[] {
  const metrics = [
    "from",
    "to",
    "commitmentCost",
    "usedCost",
    "unusedCost",
    "utilization",
    "onDemandEquivalentCost",
    "savings",
    "eligibleOnDemandCost",
    "coverage",
    "effectiveSavingsRate",
  ] as const;
  return metrics.map((metric) => ["commitments", dimension, w.week, metric, w[metric]]);
}

function commitmentRows(c: CommitmentsWeekly): Row[] {
  const rows: Row[] = [
    ...commitmentWeekRows("week", c.current),
    ...commitmentWeekRows("previousWeek", c.previousWeek),
    ["commitments", "change", c.current.week, "utilization", c.change.utilization],
    ["commitments", "change", c.current.week, "coverage", c.change.coverage],
    ["commitments", "change", c.current.week, "effectiveSavingsRate", c.change.effectiveSavingsRate],
    ["commitments", "change", c.current.week, "unusedCost", c.change.unusedCost],
  ];
  for (const l of c.commitments) {
    rows.push(
      ["commitments", "commitment", l.commitmentId, "type", l.type],
      ["commitments", "commitment", l.commitmentId, "account", l.account],
      ["commitments", "commitment", l.commitmentId, "end", l.end],
      ["commitments", "commitment", l.commitmentId, "commitmentCost", l.commitmentCost],
      ["commitments", "commitment", l.commitmentId, "usedCost", l.usedCost],
      ["commitments", "commitment", l.commitmentId, "unusedCost", l.unusedCost],
      ["commitments", "commitment", l.commitmentId, "utilization", l.utilization],
      ["commitments", "commitment", l.commitmentId, "onDemandEquivalentCost", l.onDemandEquivalentCost],
      ["commitments", "commitment", l.commitmentId, "savings", l.savings],
    );
  }
  for (const e of c.expiring) {
    rows.push(
      ["commitmentsExpiring", "commitment", e.commitmentId, "type", e.type],
      ["commitmentsExpiring", "commitment", e.commitmentId, "end", e.end],
      ["commitmentsExpiring", "commitment", e.commitmentId, "daysLeft", e.daysLeft],
      ["commitmentsExpiring", "commitment", e.commitmentId, "monthlyOnDemandCost", e.monthlyOnDemandCost],
      ["commitmentsExpiring", "commitment", e.commitmentId, "monthlyCommitmentCost", e.monthlyCommitmentCost],
    );
  }
  return rows;
}

function kubernetesRows(report: WeeklyReport): Row[] {
  const k = report.kubernetes;
  const rows: Row[] = [
    ...moneyRows("kubernetes", "all", "Total", k.total),
    ...moneyRows("kubernetes", "idle", "Total", k.idle.current),
    ...moneyRows("kubernetes", "idle", "Total", k.idle.previous, "previousWeek"),
    ["kubernetes", "idle", "Total", "sharePercent", k.idle.share],
    ...breakdownRows("kubernetesByCluster", k.byCluster),
    ...breakdownRows("kubernetesByNamespace", k.byNamespace),
  ];
  for (const n of k.topIdleNodes) {
    rows.push(
      ["kubernetesIdleNodes", "node", n.node, "idleCost", n.idleCost],
      ["kubernetesIdleNodes", "node", n.node, "cost", n.cost],
      ["kubernetesIdleNodes", "node", n.node, "idleSharePercent", n.idleShare],
    );
  }
  return rows;
}

function reportRows(report: WeeklyReport): Row[] {
  const rows: Row[] = [];
  const t = report.totals;
  rows.push(
    ["total", "week", report.week, "complete", String(report.complete)],
    ["total", "week", report.week, "billedDays", report.billedDays],
    ["total", "week", report.week, "comparedFrom", report.compared.from],
    ["total", "week", report.week, "comparedTo", report.compared.to],
    ...moneyRows("total", "week", report.week, t.current),
  );
  for (const [name, c] of [
    ["previousWeek", t.previousWeek],
    ["fourWeeksEarlier", t.fourWeeksEarlier],
  ] as const) {
    rows.push(
      ...moneyRows("total", name, c.week, c),
      ["total", name, c.week, "days", c.days],
      ["total", name, c.week, "effectiveChange", c.effectiveChange],
      ["total", name, c.week, "effectiveChangePercent", c.effectiveChangePercent],
      ["total", name, c.week, "billedChange", c.billedChange],
      ["total", name, c.week, "billedChangePercent", c.billedChangePercent],
    );
  }
  rows.push(
    ...breakdownRows("byService", report.byService),
    ...breakdownRows("byAccount", report.byAccount),
    ...breakdownRows("byTeam", report.byTeam),
  );
  for (const m of [...report.topMovers.service, ...report.topMovers.team]) {
    const key = m.key ?? "";
    rows.push(
      ["topMovers", m.dimension, key, "effectiveCost", m.current],
      ["topMovers", m.dimension, key, "previousWeekEffectiveCost", m.previous],
      ["topMovers", m.dimension, key, "change", m.change],
      ["topMovers", m.dimension, key, "changePercent", m.changePercent],
    );
  }
  for (const d of report.daily) {
    rows.push(...moneyRows("daily", "day", d.day, d));
    for (const [service, value] of Object.entries(d.byService)) {
      rows.push(["dailyByService", "day/service", `${d.day}/${service}`, "effectiveCost", value]);
    }
  }
  const m = report.monthToDate;
  rows.push(
    ...moneyRows("monthToDate", "month", m.month, m),
    ["monthToDate", "month", m.month, "days", m.days],
    // basis "actual": the month is closed and monthEnd is the bill's total; "forecast": a run rate.
    ["monthToDate", "month", m.month, "monthEndBasis", m.monthEnd.basis],
    ["monthToDate", "month", m.month, "monthEndEffectiveCost", m.monthEnd.effectiveCost],
    ["monthToDate", "month", m.month, "monthEndBilledCost", m.monthEnd.billedCost],
    ["monthToDate", "month", m.month, "dailyMean", m.monthEnd.dailyMean],
    ["monthToDate", "month", m.month, "remainingDays", m.monthEnd.remainingDays],
  );
  for (const a of report.anomalies.items) {
    const dimension = `day/${a.dimension}`;
    const key = `${a.day}/${a.key ?? ""}`;
    rows.push(
      ["anomalies", dimension, key, "effectiveCost", a.effectiveCost],
      ["anomalies", dimension, key, "baseline", a.baseline],
      ["anomalies", dimension, key, "deviation", a.deviation],
      ["anomalies", dimension, key, "threshold", a.threshold],
      ["anomalies", dimension, key, "direction", a.direction],
    );
  }
  const c = report.tagCoverage;
  rows.push(
    ["tagCoverage", "team", "allocated", "effectiveCost", c.allocated],
    ["tagCoverage", "team", "unallocated", "effectiveCost", c.unallocated],
    ["tagCoverage", "team", "Total", "effectiveCost", c.total],
    ["tagCoverage", "team", "allocated", "percent", c.allocatedPercent],
  );
  rows.push(...commitmentRows(report.commitments), ...kubernetesRows(report));
  const w = report.waste;
  for (const [dimension, groups] of [
    ["rule", w.byRule],
    ["team", w.byTeam],
  ] as const) {
    for (const g of groups) {
      rows.push(
        ["waste", dimension, g.key, "findings", g.findings],
        ["waste", dimension, g.key, "estimatedMonthlySavings", g.estimatedMonthlySavings],
        ["waste", dimension, g.key, "monthlyCost", g.monthlyCost],
      );
    }
  }
  rows.push(
    ["waste", "all", "Total", "findings", w.findings],
    ["waste", "all", "Total", "estimatedMonthlySavings", w.estimatedMonthlySavings],
    ["waste", "all", "Total", "grossEstimatedMonthlySavings", w.grossEstimatedMonthlySavings],
    ["waste", "all", "Total", "overlappingFindings", w.overlappingFindings],
    ["waste", "all", "Total", "monthlyCost", w.monthlyCost],
  );
  const s = report.savingsRealised;
  for (const i of s.items) {
    rows.push(
      ["savingsRealised", "resource", i.resourceId, "action", i.action],
      ["savingsRealised", "resource", i.resourceId, "finishedAt", i.finishedAt],
      ["savingsRealised", "resource", i.resourceId, "inWeek", String(i.inWeek)],
      ["savingsRealised", "resource", i.resourceId, "estimatedMonthlySavings", i.estimatedMonthlySavings],
      ["savingsRealised", "resource", i.resourceId, "realisedStatus", i.realisedStatus],
      ["savingsRealised", "resource", i.resourceId, "realisedMonthlySavings", i.realisedMonthlySavings],
      ["savingsRealised", "resource", i.resourceId, "billedDaysBefore", i.billedDaysBefore],
      ["savingsRealised", "resource", i.resourceId, "billedDaysAfter", i.billedDaysAfter],
    );
  }
  rows.push(
    ["savingsRealised", "all", "Total", "items", s.items.length],
    ["savingsRealised", "all", "Total", "estimatedMonthlySavings", s.estimatedMonthlySavings],
    ["savingsRealised", "measured", "Total", "items", s.measured.items],
    ["savingsRealised", "measured", "Total", "estimatedMonthlySavings", s.measured.estimatedMonthlySavings],
    ["savingsRealised", "measured", "Total", "realisedMonthlySavings", s.measured.realisedMonthlySavings],
    ["savingsRealised", "pending", "Total", "items", s.pending],
    ["savingsRealised", "unmatched", "Total", "items", s.unmatched],
  );
  for (const f of report.topFindings) {
    rows.push(
      ["topFindings", "resource", f.resourceId, "rule", f.rule],
      ["topFindings", "resource", f.resourceId, "team", f.team],
      ["topFindings", "resource", f.resourceId, "estimatedMonthlySavings", f.estimatedMonthlySavings],
      ["topFindings", "resource", f.resourceId, "monthlyCost", f.monthlyCost],
    );
  }
  return rows;
}

export function renderCsv(report: WeeklyReport): string {
  const lines = [HEADER.join(","), ...reportRows(report).map((row) => row.map(field).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
