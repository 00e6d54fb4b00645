import { Command, Option } from "commander";
import { queryFindings } from "../../store/findings.js";
import { savingsTotals } from "../../store/savings.js";
import { globalOptions, withStore } from "../context.js";
import { printJson } from "../output.js";
import { printFindings } from "./findings-output.js";

export function findingsCommand(): Command {
  return new Command("findings")
    .description("stored findings, with their history (first seen, last seen, resolved)")
    .option("--rule <id>", "only this rule (repeatable)", (value: string, all: string[] = []) => [
      ...all,
      value,
    ])
    .option("--team <team>", "only this team (unowned: no team tag)")
    .addOption(new Option("--status <status>", "open or resolved").choices(["open", "resolved"]))
    .action(
      async (options: { rule?: string[]; team?: string; status?: "open" | "resolved" }, command: Command) => {
        const global = globalOptions(command);
        const query = {
          ...(options.rule ? { rules: options.rule } : {}),
          ...(options.team ? { team: options.team } : {}),
          ...(options.status ? { status: options.status } : {}),
        };
        const { findings, totals } = await withStore(global, async (store) => ({
          findings: await queryFindings(store.connection, query),
          totals: global.json ? null : await savingsTotals(store.connection, query),
        }));
        if (global.json || !totals) printJson(findings);
        else printFindings(findings, totals);
      },
    );
}
