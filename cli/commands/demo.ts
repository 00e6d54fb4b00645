import { Command } from "commander";
import { Decimal, formatMoney, sumDecimals } from "../../core/money.js";
import { buildDemo, estateCounts } from "../../demo/build.js";
import { type DemoDeliverables, writeDemoDeliverables } from "../../demo/deliverables.js";
import { DAY_MS, DEMO_SEED, isoDay, utcDay } from "../../demo/estate.js";
import { type CommitmentReport, commitmentsOverview } from "../../reports/commitments/overview.js";
import { type CostDimension, type CostLine, costsBy } from "../../store/costs.js";
import { openStore } from "../../store/database.js";
import { queryFindings } from "../../store/findings.js";
import { type SavingsTotals, savingsTotals } from "../../store/savings.js";
import { awsOptions, commandConfig, globalOptions, now } from "../context.js";
import { note, printJson, printLine, printTable } from "../output.js";
import { runServe } from "../serve-run.js";
import { printCommitments } from "./commitments.js";
import { printWasteByRule, type RuleSummary, summarizeByRule } from "./findings-output.js";

/** Where the demo database goes unless --db or $FINOPS_DB says otherwise: never a user's real database. */
export const DEMO_DB = ".demo/finops.duckdb";

interface Period {
  from: string;
  to: string;
  billedCost: Decimal;
  effectiveCost: Decimal;
}

export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "build a demo database from a generated sample estate (3 accounts, 2 regions, 12 teams, 90 days of " +
        `daily FOCUS billing, anchored at the day of --now) in ${DEMO_DB} unless --db or $FINOPS_DB names another; ` +
        "an existing file is replaced only if an earlier demo built it",
    )
    .option("--no-serve", "only build the database; without it, the web view is then served on the demo")
    .option("--host <host>", "interface the web view listens on", "127.0.0.1")
    .option("--port <port>", "port of the web view (0: any free port)", "8787")
    .action(async (options: { serve: boolean; host: string; port: string }, command: Command) => {
      const global = globalOptions(command);
      const config = commandConfig(global);
      const dbPath = global.db ?? process.env.FINOPS_DB ?? DEMO_DB;
      const anchorMs = utcDay(now(global));
      const progress = global.json ? () => {} : note;
      const build = await buildDemo({
        dbPath,
        anchor: new Date(anchorMs),
        seed: DEMO_SEED,
        config,
        progress,
      });

      const last30 = { from: isoDay(anchorMs - 30 * DAY_MS), to: isoDay(anchorMs) };
      const window = { from: build.estate.windowStart, to: isoDay(anchorMs) };
      const store = await openStore(dbPath);
      let summary: {
        window: Period;
        last30: Period;
        byService: CostLine[];
        byTeam: CostLine[];
        byAccount: CostLine[];
        findings: RuleSummary[];
        savings: SavingsTotals;
        commitments: CommitmentReport;
      };
      let deliverables: DemoDeliverables;
      try {
        const query = (dimension: CostDimension, period: { from: string; to: string }) =>
          costsBy(store.connection, {
            dimension,
            caseInsensitiveTags: config.tags.caseInsensitive,
            ...period,
          });
        const windowByAccount = await query({ kind: "account" }, window);
        const byAccount = await query({ kind: "account" }, last30);
        summary = {
          window: { ...window, ...totals(windowByAccount) },
          last30: { ...last30, ...totals(byAccount) },
          byService: await query({ kind: "service" }, last30),
          byTeam: await query({ kind: "team", tagKeys: config.tags.teamKeys }, last30),
          byAccount,
          findings: summarizeByRule(await queryFindings(store.connection, { status: "open" })),
          savings: await savingsTotals(store.connection, { status: "open" }),
          commitments: await commitmentsOverview(store.connection, config, {
            ...last30,
            now: new Date(anchorMs),
            by: "commitment",
          }),
        };
        progress("Writing last week's report and the teams' notifications");
        deliverables = await writeDemoDeliverables(store.connection, config, dbPath, new Date(anchorMs));
      } finally {
        store.close();
      }
      const accountNames = new Map(build.estate.accounts.map((a) => [a.id, a.name]));

      if (global.json) {
        printJson({
          database: dbPath,
          seed: build.estate.seed,
          anchor: build.estate.anchor,
          window: { from: window.from, to: window.to, days: build.estate.days },
          billingFiles: build.billing.files.map((f) => f.path),
          rowsLoaded: build.rowsLoaded,
          billingPeriods: build.billingPeriods,
          accounts: build.estate.accounts.map((a) => ({ id: a.id, name: a.name })),
          estate: estateCounts(build.estate),
          inventory: build.replay,
          findings: summary.findings,
          savings: summary.savings,
          commitments: summary.commitments,
          report: { week: deliverables.week, files: deliverables.reportFiles },
          notifications: { outbox: deliverables.outbox, messages: deliverables.messages },
          totals: summary.window,
          last30Days: {
            ...summary.last30,
            byService: summary.byService,
            byTeam: summary.byTeam,
            byAccount: summary.byAccount.map((l) => ({ ...l, name: accountNames.get(l.key ?? "") ?? null })),
          },
        });
      } else {
        printSummary(build, summary, accountNames);
        printDeliverables(deliverables);
      }
      if (options.serve) {
        // No schedules: the demo has no AWS account to collect from.
        await runServe({
          dbPath,
          config,
          aws: awsOptions(global, config),
          host: options.host,
          port: Number(options.port),
          schedules: false,
          // The page's commitments expire as of the demo's anchor, as its printed summary does.
          now: new Date(anchorMs),
        });
      }
    });
}

function totals(lines: CostLine[]): { billedCost: Decimal; effectiveCost: Decimal } {
  return {
    billedCost: new Decimal(sumDecimals(lines.map((l) => l.billedCost.text))),
    effectiveCost: new Decimal(sumDecimals(lines.map((l) => l.effectiveCost.text))),
  };
}

function printSummary(
  build: Awaited<ReturnType<typeof buildDemo>>,
  summary: {
    window: Period;
    last30: Period;
    byService: CostLine[];
    byTeam: CostLine[];
    byAccount: CostLine[];
    findings: RuleSummary[];
    savings: SavingsTotals;
    commitments: CommitmentReport;
  },
  accountNames: Map<string, string>,
): void {
  const e = build.estate;
  const c = estateCounts(e);
  printLine(
    `Demo database ${build.dbPath}: ${e.organization.name}, anchored at ${e.anchor} (seed ${e.seed}).`,
  );
  printLine(
    `${c.accounts} accounts, ${c.regions} regions, ${c.teams} teams; ${c.instances} EC2 instances, ${c.volumes} EBS volumes, ` +
      `${c.snapshots} snapshots, ${c.elasticIps} Elastic IPs, ${c.natGateways} NAT gateways, ${c.buckets} S3 buckets, ` +
      `${c.databases} RDS instances, ${c.loadBalancers} load balancers, ${c.functions} Lambda functions.`,
  );
  printLine(
    `Loaded ${build.rowsLoaded.toLocaleString("en-US")} daily billing rows (${summary.window.from} to ${summary.window.to}, ` +
      `billing periods ${build.billingPeriods.join(", ")}): ${e.currency} ${formatMoney(summary.window.effectiveCost)} effective, ` +
      `${formatMoney(summary.window.billedCost)} billed.`,
  );
  printLine(
    `Collected ${build.replay.resources.toLocaleString("en-US")} resources and ${build.replay.metricDays.toLocaleString("en-US")} ` +
      `daily metric values by replay of the estate's recorded API pages (${build.replay.folder}).`,
  );
  printLine("");
  printLine(
    `Last 30 days (${summary.last30.from} to ${summary.last30.to}, exclusive): ${e.currency} ${formatMoney(summary.last30.effectiveCost)} effective, ` +
      `${formatMoney(summary.last30.billedCost)} billed.`,
  );
  const top = summary.byService.slice(0, 8);
  const rest = summary.byService.slice(8);
  const rows = (lines: CostLine[], label: (l: CostLine) => string) =>
    lines.map((l) => [label(l), formatMoney(l.effectiveCost), formatMoney(l.billedCost)]);
  const serviceRows = rows(top, (l) => l.key ?? "(none)");
  if (rest.length) {
    const other = totals(rest);
    serviceRows.push([
      `${rest.length} other services`,
      formatMoney(other.effectiveCost),
      formatMoney(other.billedCost),
    ]);
  }
  printTable(["Service", "Effective cost", "Billed cost"], serviceRows, [1, 2]);
  printTable(
    ["Team", "Effective cost", "Billed cost"],
    rows(summary.byTeam, (l) => l.key ?? "(untagged)"),
    [1, 2],
  );
  printTable(
    ["Account", "Effective cost", "Billed cost"],
    rows(summary.byAccount, (l) => `${l.key ?? "(none)"} ${accountNames.get(l.key ?? "") ?? ""}`.trim()),
    [1, 2],
  );
  printLine("");
  printLine("Waste found by the rules of rules.yaml (monthly cost from the last 30 days of billing):");
  printWasteByRule(summary.findings, summary.savings);
  printLine("");
  printLine("Savings Plans and reservations, last 30 days (finops commitments):");
  printCommitments(summary.commitments);
  const db = quote(build.dbPath);
  printLine("");
  printLine("Try next:");
  for (const next of [
    `costs --by team`,
    `costs --by service --from ${summary.last30.from}`,
    `costs --by tag:environment`,
    `costs --by account`,
    `commitments --by type --now ${e.anchor}`,
    `costs --by resource --from ${summary.last30.from}`,
    `findings --rule idle-instance`,
    `analyze --now ${isoDay(Date.parse(`${e.anchor}T00:00:00Z`) + 7 * DAY_MS)} --fail-on high`,
    `resources --untagged --type ec2:instance`,
    `resources --type ec2:volume`,
  ]) {
    printLine(`  npx finops --db ${db} ${next}`);
  }
}

function quote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

function printDeliverables(d: DemoDeliverables): void {
  printLine("");
  printLine(`The weekly cost report of ${d.week}:`);
  for (const file of d.reportFiles) printLine(`  ${file}`);
  printLine(
    `The teams' waste notifications (${d.messages.length} digests; with notify.teams in rules.yaml they go to Slack, email or webhooks):`,
  );
  printLine(`  ${d.outbox}`);
}
