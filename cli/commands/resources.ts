import { Command } from "commander";
import { Decimal, formatMoney, sumDecimals } from "../../core/money.js";
import { plural } from "../../core/plural.js";
import { RESOURCE_TYPES } from "../../resources/index.js";
import { currentResources, type ResourceLine } from "../../store/resources.js";
import { commandConfig, globalOptions, withStore } from "../context.js";
import { accountText, displayOf, teamText } from "../display.js";
import { checkInventoryScope, checkResourceType } from "../filters.js";
import { printJson, printLine, printTable } from "../output.js";
import { type Omitted, pageOf, printOmitted, slicePage, withPageOptions } from "../paging.js";
import type { Column } from "../table-layout.js";

interface ResourcesOptions {
  type?: string;
  untagged?: boolean;
  account?: string;
  region?: string;
  limit?: string;
  offset?: string;
}

export function resourcesCommand(): Command {
  return withPageOptions(
    new Command("resources")
      .description("the current inventory, with each resource's team and monthly cost from billing")
      .option("--type <type>", `${RESOURCE_TYPES.join(", ")}, ...`)
      .option("--untagged", "only resources without a team tag (tags.teamKeys)")
      .option("--account <id>", "only this account")
      .option("--region <region>", "only this region"),
  ).action(async (options: ResourcesOptions, command: Command) => {
    const global = globalOptions(command);
    const config = commandConfig(global);
    const page = pageOf(options);
    const { lines, display } = await withStore(global, async (store) => {
      await checkResourceType(store.connection, options.type);
      await checkInventoryScope(store.connection, options);
      const lines = await currentResources(store.connection, {
        ...(options.type ? { type: options.type } : {}),
        ...(options.untagged ? { untagged: true } : {}),
        ...(options.account ? { account: options.account } : {}),
        ...(options.region ? { region: options.region } : {}),
        teamKeys: config.tags.teamKeys,
        caseInsensitiveTags: config.tags.caseInsensitive,
      });
      return { lines, display: global.json ? null : await displayOf(store.connection, config) };
    });
    const shown = slicePage(lines, page);
    const after = lines.slice(page.offset + shown.length);
    const omitted: Omitted = {
      total: lines.length,
      shown: shown.length,
      page,
      noun: ["resource", "resources"],
      money: {
        amount: new Decimal(sumDecimals(after.map((l) => l.monthlyCost?.text ?? "0"))),
        what: "/month of billed cost",
      },
    };
    if (global.json || !display) {
      printJson(shown);
      printOmitted(omitted, true);
      return;
    }
    if (lines.length === 0) {
      printLine("No resources match. Collect the inventory with `finops collect --only inventory`.");
      return;
    }
    const columns: [Column, (l: ResourceLine) => string][] = [
      [{ head: "resource", priority: 100, minWidth: 16 }, (l) => l.resourceId],
      [{ head: "type", priority: 70 }, (l) => l.resourceType],
      [{ head: "account", priority: 50 }, (l) => accountText(display, l.account)],
      [{ head: "region", priority: 40, cut: "none" }, (l) => l.region],
      [{ head: "state", priority: 30 }, (l) => l.state ?? ""],
      [{ head: "team", priority: 60, minWidth: 10 }, (l) => teamText(display, l.team)],
      [
        { head: "monthly cost", priority: 90, align: "right", cut: "none" },
        (l) => (l.monthlyCost ? formatMoney(l.monthlyCost) : ""),
      ],
    ];
    if (shown.length) {
      printTable(
        columns.map(([column]) => column),
        shown.map((l) => columns.map(([, cell]) => cell(l))),
      );
    }
    printOmitted(omitted);
    printLine(plural(lines.length, "resource"));
  });
}
