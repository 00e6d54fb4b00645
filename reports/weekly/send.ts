import { basename, dirname, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import { compare, negate, percentOf, ZERO } from "../../core/decimal.js";
import { type Decimal, formatMoney } from "../../core/money.js";
import { channelLabel } from "../notify/channels/index.js";
import { deliverAll, type Outgoing } from "../notify/deliver.js";
import type { Message, Section } from "../notify/message.js";
import { billingCurrency, money } from "../notify/money.js";
import { Secrets } from "../notify/secrets.js";
import {
  dateRange,
  instant,
  monthName,
  partialWeek,
  percent,
  plural,
  shortDay,
  signedPercent,
} from "./format.js";
import type { Breakdown, Mover, WeeklyReport } from "./model.js";
import { preamble } from "./sections.js";
import { fileName, renderReport } from "./write.js";

/** Whom the report is for, as messages and the `deliveries` journal name it (its "team"). */
export const RECIPIENTS = "recipients";

/** Rows of a breakdown a message lists; the full report (and `finops costs`) has the rest. */
const TOP_ROWS = 5;
/** Movers of each dimension a message lists. */
const TOP_MOVERS = 5;
const TOP_ANOMALIES = 10;

export interface ReportMessageOptions {
  /** The currency amounts are in; null: several, shown bare. */
  currency: string | null;
}

/**
 * The weekly report as a notify `Message`: the headline figures as its summary, the top services,
 * teams, movers and anomalies as its sections, where the files are as its footer. Its document is the
 * report model (a webhook and the outbox get exactly what the .json file holds); an email carries the
 * report's own HTML page as its body and the .html and .csv files as attachments.
 */
export function reportMessage(
  report: WeeklyReport,
  files: readonly string[],
  options: ReportMessageOptions,
): Message {
  const amount = (value: Decimal) => money(value.text, options.currency);
  /** "+$66.37", "−$5.00" (a real minus sign, as in the report), "$0.00". */
  const signed = (value: Decimal) => {
    if (/^-?0\.00$/.test(formatMoney(value))) return amount(ZERO);
    return compare(value, ZERO) > 0 ? `+${amount(value)}` : `\u2212${amount(negate(value))}`;
  };
  const { current, previousWeek, fourWeeksEarlier } = report.totals;
  const week = `${report.week} (${dateRange(report.from, report.lastDay)})`;

  const onWeekBefore =
    previousWeek.effectiveChangePercent === null
      ? "no spend the week before"
      : `${signedPercent(previousWeek.effectiveChangePercent, current.effectiveCost)} on the week before`;
  const subject = report.hasBilling
    ? `finops weekly cost report ${report.week}: ${amount(current.effectiveCost)} (${onWeekBefore})`
    : `finops weekly cost report ${report.week}: no billing for this week`;

  const summary: string[] = [];
  const sections: Section[] = [];
  if (report.hasBilling) {
    const change = (c: typeof previousWeek) =>
      `${signed(c.effectiveChange)} (${signedPercent(c.effectiveChangePercent, current.effectiveCost)})` +
      (report.complete ? "" : ` over the same ${plural(c.days, "day")}`);
    const m = report.monthToDate;
    const c = report.tagCoverage;
    summary.push(
      `Week ${week}: ${amount(current.effectiveCost)} effective cost (billed ${amount(current.billedCost)}), ` +
        `${change(previousWeek)} on the week before and ${change(fourWeeksEarlier)} on four weeks earlier.`,
    );
    if (!report.complete) summary.push(partialWeek(report));
    summary.push(
      `${monthName(m.month)} to date (${plural(m.days, "day")} billed): ${amount(m.effectiveCost)}; ` +
        (m.monthEnd.basis === "actual"
          ? `the month is closed, actual ${amount(m.monthEnd.effectiveCost)}.`
          : `at this week's run rate the month ends near ${amount(m.monthEnd.effectiveCost)}.`),
      `Tagged to a team: ${percent(c.allocatedPercent)} of the week's cost; ${amount(c.unallocated)} unallocated (no ${c.teamKeys.map((k) => `\`${k}\``).join(" or ")} tag).`,
    );
    const hint = (by: string) => `finops costs --by ${by} --from ${report.from} --to ${report.to}`;
    sections.push(
      breakdownSection("Top services", report.byService, hint("service")),
      breakdownSection("Top teams", report.byTeam, hint("team")),
      moversSection(),
      anomaliesSection(),
    );
  } else {
    summary.push(
      `Week ${week}: the database holds no billing for this week, so there is no spend to show ` +
        "(load it with `finops ingest FILE` or `finops collect --only billing`).",
    );
  }
  const w = report.waste;
  summary.push(
    w.asOf === null
      ? "Waste found: no analysis has run yet (`finops analyze`)."
      : `Waste found: ${plural(w.findings, "open finding")}, ${amount(w.estimatedMonthlySavings)}/month of estimated savings ` +
          `on resources costing ${amount(w.monthlyCost)}/month (analysis of ${instant(w.asOf)}).`,
  );
  const s = report.savingsRealised;
  summary.push(
    s.items.length
      ? `Savings realised (actions of this week and the three before): ${plural(s.items.length, "remediation")} estimated at ${amount(s.estimatedMonthlySavings)}/month; ` +
          `the bill shows ${amount(s.measured.realisedMonthlySavings)}/month saved by the ${plural(s.measured.items, "action")} it measures (estimated ${amount(s.measured.estimatedMonthlySavings)}), ${s.pending} pending.`
      : "Savings realised: no remediation completed in this week or the three before.",
  );

  function breakdownSection(title: string, b: Breakdown, hint: string): Section {
    const rows = b.rows.filter((r) => !r.other);
    const lines = rows.slice(0, TOP_ROWS).map((r) => {
      const share = percentOf(r.current.effectiveCost, b.total.current.effectiveCost);
      return (
        `${r.label}: ${amount(r.current.effectiveCost)} (${percent(share)} of the week), ` +
        `${signed(r.change)} (${signedPercent(r.changePercent, r.current.effectiveCost)}) on the week before`
      );
    });
    return { title, lines, total: b.rows.reduce((n, r) => n + r.keys, 0), hint };
  }

  function moversSection(): Section {
    const line = (m: Mover) =>
      `${m.dimension} ${m.label}: ${signed(m.change)} (${signedPercent(m.changePercent, m.current)}), ` +
      `${amount(m.previous)} → ${amount(m.current)}`;
    const movers = [
      ...report.topMovers.service.slice(0, TOP_MOVERS),
      ...report.topMovers.team.slice(0, TOP_MOVERS),
    ];
    return {
      title: "Top movers (largest increases on the week before)",
      lines: movers.length ? movers.map(line) : ["No service and no team cost more than in the week before."],
    };
  }

  function anomaliesSection(): Section {
    const items = report.anomalies.items;
    if (!items.length) {
      return {
        title: "Anomalies",
        lines: ["No service and no team had a day outside its usual range this week."],
      };
    }
    return {
      title: "Anomalies",
      lines: items
        .slice(0, TOP_ANOMALIES)
        .map(
          (a) =>
            `${shortDay(a.day)}, ${a.dimension} ${a.label}: ${a.direction}, ${amount(a.effectiveCost)} against a usual ${amount(a.baseline)} (${signed(a.deviation)})`,
        ),
      total: items.length,
      hint: `every one in ${fileName(report, "html")}`,
    };
  }

  const folders = [...new Set(files.map((f) => dirname(resolve(f))))];
  const footer = [
    ...(files.length
      ? [`Files: ${files.map((f) => basename(f)).join(", ")} in \`${folders.join("`, `")}\`.`]
      : []),
    "Email recipients get the HTML report (charts and every table) as the message and attached, with the CSV of every figure to the last digit.",
    `Made again with \`finops report weekly --week ${report.week}\`. ${preamble(report)}`,
  ];

  const html = renderReport(report, "html");
  return {
    kind: "report",
    team: RECIPIENTS,
    subject,
    summary,
    sections,
    footer,
    // It lists no finding: the journal counts none.
    count: 0,
    monthlyWaste: w.estimatedMonthlySavings.text,
    // The report model itself: toJson writes it exactly as the .json file holds it.
    document: { ...report },
    html,
    attachments: [
      { filename: fileName(report, "html"), content: html, contentType: "text/html; charset=utf-8" },
      {
        filename: fileName(report, "csv"),
        content: renderReport(report, "csv"),
        contentType: "text/csv; charset=utf-8",
      },
    ],
  };
}

/** The currency of the week's billing; without any, the database's (USD with none at all). */
async function reportCurrency(connection: DuckDBConnection, report: WeeklyReport): Promise<string | null> {
  if (report.currencies.length > 1) return null;
  return report.currencies[0] ?? (await billingCurrency(connection));
}

/** One channel of report.recipients and how its delivery went (the error redacted). */
export interface ReportDelivery {
  /** Kind and target, a secret by its variable's name: webhook(FINOPS_REPORT_WEBHOOK). */
  channel: string;
  status: "sent" | "failed";
  attempts: number;
  error: string | null;
}

export interface ReportSend {
  message: Message;
  /** One per channel of report.recipients, in their order; none when there are no recipients. */
  deliveries: ReportDelivery[];
}

/**
 * Sends the weekly report to every channel of `report.recipients`, through notify's channels and
 * `deliverAll`: retried with backoff (notify.retry), journaled in `deliveries` (kind "report", team
 * "recipients", no findings), secrets only by their variable's name. Every channel is tried; the
 * failures are in the result, for the caller to report. `finops report weekly --send` and the
 * scheduled report both call this after runWeeklyReport.
 */
export async function sendWeeklyReport(
  connection: DuckDBConnection,
  config: Config,
  report: WeeklyReport,
  files: readonly string[],
  options: { now: Date; env?: NodeJS.ProcessEnv },
): Promise<ReportSend> {
  const message = reportMessage(report, files, { currency: await reportCurrency(connection, report) });
  const outgoing: Outgoing[] = config.report.recipients.map((channel, i) => ({
    message,
    channel,
    where: `report.recipients[${i}]`,
    label: channelLabel(channel),
    tells: [],
  }));
  if (!outgoing.length) return { message, deliveries: [] };
  const deliveries = await deliverAll(outgoing, {
    connection,
    notify: config.notify,
    secrets: new Secrets(config, options.env),
    now: options.now,
  });
  return {
    message,
    deliveries: deliveries.map((d) => ({
      channel: d.outgoing.label,
      status: d.status,
      attempts: d.attempts,
      error: d.error,
    })),
  };
}

/** The failed deliveries as one message (one line each), or null when every channel got the report. */
export function sendFailures(send: ReportSend): string | null {
  const failed = send.deliveries.filter((d) => d.status === "failed");
  if (!failed.length) return null;
  const lines = failed.map(
    (d) =>
      `  ${d.channel}: ${d.error ?? "failed"}` +
      (d.attempts ? ` (${d.attempts} attempt${d.attempts === 1 ? "" : "s"})` : ""),
  );
  return `the weekly report could not be sent to ${failed.length} of ${send.deliveries.length} recipients:\n${lines.join("\n")}`;
}
