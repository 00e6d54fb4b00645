import { Command, Option } from "commander";
import { SEVERITIES, type Severity } from "../../config/sections.js";
import { ThresholdReached } from "../../core/errors.js";
import { Decimal } from "../../core/money.js";
import { plural } from "../../core/plural.js";
import { analyze } from "../../rules/evaluate.js";
import { queryFindings } from "../../store/findings.js";
import { findingsJson, findingsSummary } from "../../store/findings-json.js";
import { commandConfig, globalOptions, isPreview, now, withStore } from "../context.js";
import { displayOf } from "../display.js";
import { note, printJsonWithRenderedList, printLine } from "../output.js";
import { printFindings, printWasteByRule, summarizeByRule } from "./findings-output.js";

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description(
      "evaluate every enabled rule of rules.yaml and store the findings (with --now: as of that instant; a future --now previews and stores nothing)",
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 3 when a finding of this severity or above exists").choices(
        SEVERITIES,
      ),
    )
    .action(async (options: { failOn?: Severity }, command: Command) => {
      const global = globalOptions(command);
      const config = commandConfig(global);
      const at = now(global);
      const summary = await withStore(global, async (store) => {
        // A future --now is a preview: evaluated against the stored history, nothing stored.
        const run = await analyze(store.connection, config, at, { preview: isPreview(global) });
        if (run.preview) note(`Preview as of ${at.toISOString()}: nothing was stored.`);
        const query = { runId: run.runId, status: "open" } as const;
        const total = await findingsSummary(store.connection, query);
        // Savings count once per resource (the one action taken); the gross is what the rules claim.
        const summary = {
          count: total.count,
          estimatedMonthlySavings: new Decimal(total.savings.estimatedMonthlySavings),
          grossEstimatedMonthlySavings: new Decimal(total.savings.grossEstimatedMonthlySavings),
          overlappingFindings: total.savings.overlappingFindings,
          overlappingResources: total.savings.overlappingResources,
        };
        // A million findings are rendered as JSON by DuckDB and streamed, not read into objects first.
        if (global.json)
          await printJsonWithRenderedList("findings", findingsJson(store.connection, query), {
            summary,
            ...(run.preview ? { preview: true } : {}),
          });
        else {
          const findings = await queryFindings(store.connection, query);
          printFindings(findings, total.savings, await displayOf(store.connection, config));
          // The run ends with its waste by rule: what each rule found and would save.
          if (findings.length) {
            printLine("");
            printWasteByRule(summarizeByRule(findings), total.savings);
          }
        }
        return total;
      });
      if (options.failOn) {
        const threshold = SEVERITIES.indexOf(options.failOn);
        const hits = SEVERITIES.slice(threshold).reduce(
          (n, severity) => n + (summary.bySeverity[severity] ?? 0),
          0,
        );
        if (hits) {
          throw new ThresholdReached(
            `${plural(hits, "finding")} at ${options.failOn} severity or above (--fail-on)`,
          );
        }
      }
    });
}
