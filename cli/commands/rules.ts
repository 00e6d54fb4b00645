import { Command } from "commander";
import { type CatalogueEntry, catalogue, type RuleParameter } from "../../rules/docs.js";
import { PACKS } from "../../rules/rule-kind.js";
import { globalOptions } from "../context.js";
import { printJson, printLine } from "../output.js";

/** A parameter as `finops rules` shows it: its default, or whether rules.yaml must or may give it. */
function parameterText(parameter: RuleParameter): string {
  if (parameter.default !== null) return `${parameter.name} = ${JSON.stringify(parameter.default)}`;
  return `${parameter.name} (${parameter.required ? "required" : "optional"})`;
}

function printCatalogue(entries: CatalogueEntry[]): void {
  for (const pack of PACKS) {
    const inPack = entries.filter((entry) => entry.pack === pack);
    if (inPack.length === 0) continue;
    printLine(pack);
    for (const entry of inPack) {
      const enabled = entry.enabledByDefault ? "" : " (not enabled by default: give it in rules.yaml)";
      printLine(`  ${entry.id}: severity ${entry.severity}, action ${entry.action}${enabled}`);
      printLine(`    ${entry.description}`);
      printLine(`    parameters: ${entry.parameters.map(parameterText).join(", ") || "none"}`);
      printLine(`    savings: ${entry.savings}`);
    }
  }
}

export function rulesCommand(): Command {
  return new Command("rules")
    .description(
      "list the rule catalogue: each kind's pack, default severity and action, parameters with defaults, and savings",
    )
    .action((_options: unknown, command: Command) => {
      const entries = catalogue();
      if (globalOptions(command).json) printJson(entries);
      else printCatalogue(entries);
    });
}
