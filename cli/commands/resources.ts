import { Command } from "commander";
import { formatMoney } from "../../core/money.js";
import { RESOURCE_TYPES } from "../../resources/index.js";
import { currentResources } from "../../store/resources.js";
import { commandConfig, globalOptions, withStore } from "../context.js";
import { printJson, printLine, printTable } from "../output.js";

export function resourcesCommand(): Command {
  return new Command("resources")
    .description("the current inventory, with each resource's team and monthly cost from billing")
    .option("--type <type>", `${RESOURCE_TYPES.join(", ")}, ...`)
    .option("--untagged", "only resources without a team tag (tags.teamKeys)")
    .option("--account <id>", "only this account")
    .option("--region <region>", "only this region")
    .action(
      async (
        options: { type?: string; untagged?: boolean; account?: string; region?: string },
        command: Command,
      ) => {
        const global = globalOptions(command);
        const config = commandConfig(global);
        const lines = await withStore(global, (store) =>
          currentResources(store.connection, {
            ...options,
            teamKeys: config.tags.teamKeys,
            caseInsensitiveTags: config.tags.caseInsensitive,
          }),
        );
        if (global.json) {
          printJson(lines);
          return;
        }
        if (lines.length === 0) {
          printLine("No resources match. Collect the inventory with `finops collect --only inventory`.");
          return;
        }
        printTable(
          ["resource", "type", "account", "region", "state", "team", "monthly cost"],
          lines.map((l) => [
            l.resourceId.length > 60 ? `…${l.resourceId.slice(-59)}` : l.resourceId,
            l.resourceType,
            l.account,
            l.region,
            l.state ?? "",
            l.team ?? "(none)",
            l.monthlyCost ? formatMoney(l.monthlyCost) : "",
          ]),
          [6],
        );
        printLine(`${lines.length.toLocaleString("en-US")} resources`);
      },
    );
}
