import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { analyzeCommand } from "./commands/analyze.js";
import { applyCommand } from "./commands/apply.js";
import { approveCommand } from "./commands/approve.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { collectCommand } from "./commands/collect.js";
import { costsCommand } from "./commands/costs.js";
import { demoCommand } from "./commands/demo.js";
import { findingsCommand } from "./commands/findings.js";
import { historyCommand } from "./commands/history.js";
import { iamPolicyCommand } from "./commands/iam-policy.js";
import { ingestCommand } from "./commands/ingest.js";
import { notifyCommand } from "./commands/notify.js";
import { planCommand } from "./commands/plan.js";
import { reportCommand } from "./commands/report.js";
import { resourcesCommand } from "./commands/resources.js";
import { serveCommand } from "./commands/serve.js";
import { EXIT, exitCodeFor } from "./errors.js";

function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command("finops")
    .description("FinOps cost analysis and cleanup engine for AWS")
    .version(packageVersion())
    .option("--db <path>", "the DuckDB database file (default: $FINOPS_DB, else ./finops.duckdb)")
    .option("--config <path>", "rules, thresholds, teams, schedules", undefined)
    .option("--json", "machine output: one JSON document on stdout")
    .option("--profile <name>", "AWS credentials profile (default: the SDK's default chain)")
    .option("--regions <list>", "comma-separated AWS regions (default: rules.yaml, else AWS_REGION)")
    .option(
      "--endpoint-url <url>",
      "send every AWS call to this endpoint, e.g. an emulator (default: $AWS_ENDPOINT_URL)",
    )
    .option("--now <datetime>", "evaluate as of this instant instead of the clock (ISO 8601)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const command of [
    ingestCommand(),
    collectCommand(),
    costsCommand(),
    resourcesCommand(),
    analyzeCommand(),
    findingsCommand(),
    planCommand(),
    approveCommand(),
    applyCommand(),
    historyCommand(),
    cleanupCommand(),
    reportCommand(),
    notifyCommand(),
    serveCommand(),
    demoCommand(),
    iamPolicyCommand(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; commander already printed the message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`finops: ${message}\n`);
    if (process.env.FINOPS_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
