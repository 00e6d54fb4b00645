import { Command } from "commander";
import { z } from "zod";
import { isoFlagValue } from "../../core/dates.js";
import { UsageError } from "../../core/errors.js";
import { Decimal, formatMoney, sumDecimals } from "../../core/money.js";
import { plural } from "../../core/plural.js";
import { type CostDimension, type CostLine, type GroupedCosts, groupedCosts } from "../../store/costs.js";
import { commandConfig, globalOptions, withStore } from "../context.js";
import { accountText, type Display, displayOf } from "../display.js";
import { checkProvider } from "../filters.js";
import {
  isLargeTable,
  printJsonArray,
  printLargeTable,
  printLine,
  printTable,
  writeStdout,
} from "../output.js";
import { type Omitted, type Page, pageOf, printOmitted, withPageOptions } from "../paging.js";
import type { Column } from "../table-layout.js";

const costsOptions = z.object({
  by: z
    .string()
    .regex(
      /^(service|account|region|team|resource|cluster|namespace|workload|node|tag:.+)$/,
      "one of service, account, region, team, tag:KEY, resource, cluster, namespace, workload, node",
    )
    .default("service"),
  from: z.string().optional(),
  to: z.string().optional(),
  provider: z.string().min(1).optional(),
  // Checked by pageOf (cli/paging.ts), like every list's.
  limit: z.string().optional(),
  offset: z.string().optional(),
});

export function costsCommand(): Command {
  return withPageOptions(
    new Command("costs")
      .description("billed and effective cost grouped by one dimension, summed exactly from the billing rows")
      .option(
        "--by <dimension>",
        "service | account | region | team | tag:KEY | resource | cluster | namespace | workload | node (Kubernetes: from split cost allocation data, idle cost as its own key)",
        "service",
      )
      .option("--from <date>", "first day, inclusive (on ChargePeriodStart)")
      .option("--to <date>", "end day, exclusive (on ChargePeriodStart)")
      .option("--provider <name>", "only this provider's rows (AWS, Microsoft, ...)"),
  ).action(async (raw: Record<string, unknown>, command: Command) => {
    const parsed = costsOptions.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const flag = String(issue?.path[0] ?? "");
      throw new UsageError(`--${flag}: expected ${issue?.message} (got "${String(raw[flag])}")`);
    }
    const options = parsed.data;
    // Checked here, strictly, so a date that does not exist (2024-02-30) is refused with exit 2
    // instead of rolling over or reaching DuckDB as a conversion error.
    const from = options.from === undefined ? undefined : strictDate("--from", options.from);
    const to = options.to === undefined ? undefined : strictDate("--to", options.to);
    if (from && to && from.date >= to.date) {
      throw new UsageError(`--from ${options.from} is not before --to ${options.to}`);
    }
    const global = globalOptions(command);
    const config = commandConfig(global);
    const dimension: CostDimension = options.by.startsWith("tag:")
      ? { kind: "tag", tagKeys: [options.by.slice(4)] }
      : options.by === "team"
        ? { kind: "team", tagKeys: config.tags.teamKeys }
        : { kind: options.by as Exclude<CostDimension["kind"], "tag" | "team"> };
    const page = pageOf({
      ...(raw.limit === undefined ? {} : { limit: String(raw.limit) }),
      ...(raw.offset === undefined ? {} : { offset: String(raw.offset) }),
    });
    await withStore(global, async (store) => {
      await checkProvider(store.connection, options.provider);
      const grouped = await groupedCosts(store.connection, {
        dimension,
        caseInsensitiveTags: config.tags.caseInsensitive,
        ...(from ? { from: from.value } : {}),
        ...(to ? { to: to.value } : {}),
        ...(options.provider ? { provider: options.provider } : {}),
      });
      try {
        const display = global.json ? null : await displayOf(store.connection, config);
        await printCosts(grouped, page, display, options.by, global.json === true);
      } finally {
        await grouped.close();
      }
    });
  });
}

/**
 * The page of lines, then the totals of every line. The lines are read from DuckDB a chunk at a time
 * (store/costs.ts groupedCosts): `--by resource` of a large bill has millions of keys, which never all
 * sit in this process at once.
 */
async function printCosts(
  grouped: GroupedCosts,
  page: Page,
  display: Display | null,
  by: string,
  json: boolean,
): Promise<void> {
  const shownCount = Math.max(
    0,
    Math.min(page.limit ?? Number.POSITIVE_INFINITY, grouped.count - page.offset),
  );
  const omitted: Omitted = {
    total: grouped.count,
    shown: shownCount,
    page,
    noun: ["key", "keys"],
    money: { amount: await grouped.effectiveFrom(page.offset + shownCount), what: " of effective cost" },
  };
  const pageLines = () => grouped.lines(page.offset, page.limit);
  if (json || !display) {
    await printJsonArray(pageLines());
    printOmitted(omitted, true);
    return;
  }
  if (grouped.count === 0) {
    printLine(
      "No billing rows match. Load some with `finops ingest FILE` or `finops collect --only billing`.",
    );
    return;
  }
  // The Kubernetes dimensions have a key per cluster, namespace, workload or node: few enough to hold.
  const everyLine: CostLine[] | null = KUBERNETES_DIMENSIONS.has(by) ? [] : null;
  if (everyLine) for await (const chunk of grouped.lines(0)) everyLine.push(...chunk);
  const keyText = (key: string | null) => {
    if (key === null) {
      if (everyLine) return "(not Kubernetes)";
      return by === "team" ? display.noTeamLabel : "(none)";
    }
    return by === "account" ? accountText(display, key) : key;
  };
  const rowOf = (l: CostLine) => [keyText(l.key), formatMoney(l.effectiveCost), formatMoney(l.billedCost)];
  const totalRow = [
    shownCount < grouped.count ? `Total (all ${plural(grouped.count, "key")})` : "Total",
    formatMoney(grouped.effective),
    formatMoney(grouped.billed),
  ];
  const columns: Column[] = [
    { head: by, priority: 100, minWidth: 16 },
    { head: "Effective cost", align: "right", cut: "none", priority: 90 },
    { head: "Billed cost", align: "right", cut: "none", priority: 80 },
  ];
  if (isLargeTable(shownCount + 1)) {
    await printLargeTable(columns, async function* () {
      for await (const chunk of pageLines()) yield chunk.map(rowOf);
      yield [totalRow];
    });
  } else {
    const rows: string[][] = [];
    for await (const chunk of pageLines()) rows.push(...chunk.map(rowOf));
    printTable(columns, [...rows, totalRow]);
  }
  printOmitted(omitted);
  if (everyLine) writeStdout(idleSummary(everyLine));
}

const KUBERNETES_DIMENSIONS = new Set(["cluster", "namespace", "workload", "node"]);

function strictDate(flag: string, text: string): { value: string; date: Date } {
  const parsed = isoFlagValue(flag, text);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed;
}

/** The idle share of what the clusters cost: the keys ending "(idle)" against every Kubernetes key. */
function idleSummary(lines: CostLine[]): string {
  const inClusters = lines.filter((l) => l.key !== null);
  if (!inClusters.some((l) => l.idle)) {
    return inClusters.length === 0
      ? "No Kubernetes cost: no split cost allocation rows and no cluster-tagged rows in this window.\n"
      : "";
  }
  const sum = (list: CostLine[]) => new Decimal(sumDecimals(list.map((l) => l.effectiveCost.text)));
  const idle = sum(inClusters.filter((l) => l.idle));
  const total = sum(inClusters);
  const share =
    Number(total.text) === 0 ? "0.0" : ((Number(idle.text) / Number(total.text)) * 100).toFixed(1);
  return `Idle (unused node capacity): ${formatMoney(idle)} effective, ${share}% of the ${formatMoney(total)} the clusters cost.\n`;
}
