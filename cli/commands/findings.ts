import { Command, Option } from "commander";
import { countFindings, findingsAfterPage, queryFindings } from "../../store/findings.js";
import { savingsTotals } from "../../store/savings.js";
import { commandConfig, globalOptions, withStore } from "../context.js";
import { displayOf } from "../display.js";
import { checkRules, teamFilter } from "../filters.js";
import { printJson } from "../output.js";
import { pageOf, printOmitted, withPageOptions } from "../paging.js";
import { printFindings } from "./findings-output.js";

interface FindingsOptions {
  rule?: string[];
  team?: string;
  status?: "open" | "resolved";
  limit?: string;
  offset?: string;
}

export function findingsCommand(): Command {
  return withPageOptions(
    new Command("findings")
      .description("stored findings, with their history (first seen, last seen, status: open or resolved)")
      .option("--rule <id>", "only this rule (repeatable)", (value: string, all: string[] = []) => [
        ...all,
        value,
      ])
      .option("--team <team>", "only this team (tags.noTeamLabel, or unowned: no team tag)")
      .addOption(new Option("--status <status>", "open or resolved").choices(["open", "resolved"])),
  ).action(async (options: FindingsOptions, command: Command) => {
    const global = globalOptions(command);
    const config = commandConfig(global);
    const page = pageOf(options);
    await withStore(global, async (store) => {
      const connection = store.connection;
      await checkRules(connection, config, options.rule ?? []);
      const team = await teamFilter(connection, config, options.team);
      const query = {
        ...(options.rule ? { rules: options.rule } : {}),
        ...(team ? { team } : {}),
        ...(options.status ? { status: options.status } : {}),
      };
      const paged = { ...query, ...page };
      const findings = await queryFindings(connection, paged);
      const paging = page.limit !== undefined || page.offset > 0;
      const after = paging ? await findingsAfterPage(connection, paged) : undefined;
      const omitted = after && {
        total: await countFindings(connection, query),
        shown: findings.length,
        page,
        noun: ["finding", "findings"] as [string, string],
        money: { amount: after.estimatedMonthlySavings, what: "/month of estimated savings" },
      };
      if (global.json) {
        printJson(findings);
        if (omitted) printOmitted(omitted, true);
        return;
      }
      printFindings(findings, await savingsTotals(connection, query), await displayOf(connection, config), {
        history: true,
        ...(omitted ? { omitted } : {}),
      });
    });
  });
}
