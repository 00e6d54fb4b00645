import { rmSync, writeFileSync } from "node:fs";
import type { AwsOptions } from "../aws/clients.js";
import type { Config } from "../config/schema.js";
import { UsageError } from "../core/errors.js";
import { ensureCostAggregates } from "../store/cost-aggregates.js";
import { openStore, type ServerNote, serverNotePath } from "../store/database.js";
import { hostAllowList, parseHostList } from "../web/hosts.js";
import { ServeMetrics } from "../web/metrics.js";
import { createServer } from "../web/server.js";
import { pipelineJobs } from "./jobs.js";
import { note, printLine } from "./output.js";
import { cliRunner, isLoopback } from "./remote/runner.js";
import { Scheduler } from "./scheduler.js";

export interface ServeRunOptions {
  dbPath: string;
  config: Config;
  aws: AwsOptions;
  host: string;
  port: number;
  /** Host names answered besides the loopback ones and --host; default FINOPS_ALLOWED_HOSTS. */
  allowedHosts?: string[];
  /** Run the schedules of rules.yaml (the demo serves without: it has no AWS to collect from). */
  schedules: boolean;
  /**
   * --now: the instant the web view's commitments (expiry, /metrics' 30 days) are measured from, for a
   * back-test or a demo anchored in the past. The schedules keep the clock.
   */
  now?: Date;
}

/** A list of host names from `source` (a flag or an environment variable); a bad one is a usage error. */
export function allowedHostsOption(text: string, source: string): string[] {
  try {
    return parseHostList(text);
  } catch (error) {
    throw new UsageError(`${source}: ${(error as Error).message}`);
  }
}

/**
 * Opens the database, brings the web view's daily sums up to date, starts the HTTP server and the
 * schedules, and runs until SIGINT or SIGTERM.
 */
export async function runServe(options: ServeRunOptions): Promise<never> {
  const { config } = options;
  const envHosts = process.env.FINOPS_ALLOWED_HOSTS;
  const extraHosts =
    options.allowedHosts ?? (envHosts ? allowedHostsOption(envHosts, "FINOPS_ALLOWED_HOSTS") : []);
  // A long-running process shares its machine: DuckDB spills to disk beyond this instead of growing.
  const store = await openStore(options.dbPath, { memoryLimit: process.env.FINOPS_MEMORY_LIMIT ?? "2GB" });
  const metrics: { current?: ServeMetrics } = {};
  const scheduler = new Scheduler(store.connection, pipelineJobs(store, config, options.aws), (run) => {
    metrics.current?.observe(run);
    // A job run through the API is logged by its route, with its exit code (web/api/jobs.ts).
    if (run.trigger === "api") return;
    note(
      `${run.finishedAt.toISOString()} job ${run.job}: ${run.status}${run.error ? ` (${run.error})` : ""}`,
    );
  });
  const fixed = options.now;
  const now = fixed ? () => fixed : () => new Date();
  metrics.current = new ServeMetrics(store.connection, scheduler, { config: config.commitments, now });
  await ensureCostAggregates(store.connection, {
    teamKeys: config.tags.teamKeys,
    caseInsensitiveTags: config.tags.caseInsensitive,
  });
  const token = process.env.FINOPS_WEB_TOKEN || undefined;
  const readToken = process.env.FINOPS_READ_TOKEN || undefined;
  const loopbackOnly = isLoopback(options.host);
  const app = createServer({
    connection: store.connection,
    connect: () => store.connect(),
    config,
    allowedHosts: hostAllowList(options.host, extraHosts),
    ...(token ? { token } : {}),
    ...(readToken ? { readToken } : {}),
    loopbackOnly,
    // `finops --server`: the CLI's commands, run here on this database (cli/remote/).
    cli: cliRunner(store, config, options.aws),
    scheduler,
    metrics: metrics.current,
    now,
  });
  const address = await app.listen({ host: options.host, port: options.port });
  // A CLI that finds the database held reads this note and names the server to go through instead.
  const serverNote = serverNotePath(store.path);
  writeFileSync(serverNote, JSON.stringify({ pid: process.pid, url: address } satisfies ServerNote));
  process.once("exit", () => rmSync(serverNote, { force: true }));
  if (options.schedules) scheduler.start(config.schedules);
  printLine(`finops serve: listening on ${address} (database ${store.path})`);
  if (!token)
    note(
      "FINOPS_WEB_TOKEN is not set: the web view cannot approve plans, and finops --server cannot run jobs",
    );
  if (!loopbackOnly && !token && !readToken) {
    note(
      "FINOPS_READ_TOKEN is not set: neither the web view nor finops --server can read through this non-loopback listener",
    );
  }
  const stop = async () => {
    await scheduler.stop();
    await app.close();
    store.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // Runs until a signal: the server's and the scheduler's handles keep the event loop alive.
  return new Promise<never>(() => {});
}
