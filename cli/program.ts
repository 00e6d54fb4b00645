import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { EXIT, exitCodeFor } from "../core/errors.js";
import { writeStderr, writeStdout } from "./output.js";
import { remoteSession } from "./remote/session.js";

function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * Each command's module, loaded when used: together they load the AWS SDK clients, fastify and the
 * mailer, 0.8 s before any command ran; one command alone loads what it needs.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  ingest: async () => (await import("./commands/ingest.js")).ingestCommand(),
  collect: async () => (await import("./commands/collect.js")).collectCommand(),
  costs: async () => (await import("./commands/costs.js")).costsCommand(),
  resources: async () => (await import("./commands/resources.js")).resourcesCommand(),
  analyze: async () => (await import("./commands/analyze.js")).analyzeCommand(),
  findings: async () => (await import("./commands/findings.js")).findingsCommand(),
  plan: async () => (await import("./commands/plan.js")).planCommand(),
  approve: async () => (await import("./commands/approve.js")).approveCommand(),
  apply: async () => (await import("./commands/apply.js")).applyCommand(),
  history: async () => (await import("./commands/history.js")).historyCommand(),
  cleanup: async () => (await import("./commands/cleanup.js")).cleanupCommand(),
  report: async () => (await import("./commands/report.js")).reportCommand(),
  notify: async () => (await import("./commands/notify.js")).notifyCommand(),
  serve: async () => (await import("./commands/serve.js")).serveCommand(),
  demo: async () => (await import("./commands/demo.js")).demoCommand(),
  "iam-policy": async () => (await import("./commands/iam-policy.js")).iamPolicyCommand(),
  rules: async () => (await import("./commands/rules.js")).rulesCommand(),
  commitments: async () => (await import("./commands/commitments.js")).commitmentsCommand(),
};

/**
 * The program with the commands `argv` names (every word that is a command's name: an option's value
 * that happens to be one only loads a command more), or all of them when it names none (help, errors).
 */
export async function buildProgram(argv: string[]): Promise<Command> {
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
    .option(
      "--server <url>",
      "run the command on this running `finops serve` instead of a local database (default: $FINOPS_SERVER)",
    )
    .option(
      "--token <token>",
      "the bearer token --server asks for: a read token, or the approver token for jobs (default: $FINOPS_TOKEN)",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const named = Object.keys(COMMANDS).filter((name) => argv.slice(2).includes(name));
  const wanted = named.length && !argv.slice(2).includes("help") ? named : Object.keys(COMMANDS);
  for (const name of Object.keys(COMMANDS).filter((n) => wanted.includes(n))) {
    const load = COMMANDS[name];
    if (load) program.addCommand((await load()).exitOverride());
  }
  const session = remoteSession();
  if (session) {
    // Run for a CLI elsewhere: commander's help and errors go back to it too, at its width, and the
    // server checks what the parsed arguments will run before it runs (cli/remote/commands.ts).
    const output = {
      writeOut: writeStdout,
      writeErr: writeStderr,
      getOutHelpWidth: () => session.width ?? 80,
      getErrHelpWidth: () => session.width ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    };
    const configure = (command: Command): void => {
      command.configureOutput(output);
      for (const sub of command.commands) configure(sub);
    };
    configure(program);
    program.hook("preAction", (_program, action) => {
      const path: string[] = [];
      for (let c: Command | null = action; c && c !== program; c = c.parent) path.unshift(c.name());
      session.gate(path, action.optsWithGlobals());
    });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  if (!remoteSession()) {
    // --server (or FINOPS_SERVER): the command runs on that server; this process only shows its output.
    const { remoteTarget, runRemote } = await import("./remote/client.js");
    const target = remoteTarget(argv.slice(2));
    if (target) {
      const code = await runRemote(target);
      if (code !== null) return code;
    }
  }
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; commander already printed the message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeStderr(`finops: ${message}\n`);
    if (process.env.FINOPS_DEBUG && error instanceof Error && error.stack) writeStderr(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
