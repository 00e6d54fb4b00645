import { Command, Option } from "commander";
import { analyze } from "../../rules/evaluate.js";
import { SEVERITIES, type Severity } from "../../rules/rule-kind.js";
import { queryFindings } from "../../store/findings.js";
import { commandConfig, globalOptions, now, withStore } from "../context.js";
import { ThresholdReached } from "../errors.js";
import { printJsonWithList } from "../output.js";
import { printFindings, totalSavings } from "./findings-output.js";

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description(
      "evaluate every enabled rule of rules.yaml and store the findings (with --now: as of that instant)",
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
      const findings = await withStore(global, async (store) => {
        const run = await analyze(store.connection, config, at);
        return queryFindings(store.connection, { runId: run.runId, status: "open" });
      });
      const summary = { count: findings.length, estimatedMonthlySavings: totalSavings(findings) };
      if (global.json) await printJsonWithList("findings", findings, { summary });
      else printFindings(findings);
      if (options.failOn) {
        const threshold = SEVERITIES.indexOf(options.failOn);
        const hits = findings.filter((f) => SEVERITIES.indexOf(f.severity as Severity) >= threshold);
        if (hits.length) {
          throw new ThresholdReached(
            `${hits.length} findings at ${options.failOn} severity or above (--fail-on)`,
          );
        }
      }
    });
}
