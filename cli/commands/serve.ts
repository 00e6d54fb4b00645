import { Command } from "commander";
import { ensureCostAggregates } from "../../store/cost-aggregates.js";
import { openStore, resolveDbPath } from "../../store/database.js";
import { ServeMetrics } from "../../web/metrics.js";
import { createServer } from "../../web/server.js";
import { awsOptions, commandConfig, globalOptions } from "../context.js";
import { UsageError } from "../errors.js";
import { pipelineJobs } from "../jobs.js";
import { note, printLine } from "../output.js";
import { Scheduler } from "../scheduler.js";

interface ServeOptions {
  host: string;
  port: string;
  schedules: boolean;
}

export function serveCommand(): Command {
  return new Command("serve")
    .description(
      "run the schedules of rules.yaml (collect, analyze, report, notify, cleanup) and serve /healthz, /metrics " +
        "(Prometheus) and the web view; the process to deploy",
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8787")
    .option("--no-schedules", "serve only: run no scheduled job")
    .action(async (options: ServeOptions, command: Command) => {
      const global = globalOptions(command);
      const config = commandConfig(global);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port: "${options.port}" is not a port number`);
      }
      const store = await openStore(resolveDbPath(global.db));
      const scheduler = new Scheduler(
        store.connection,
        pipelineJobs(store, config, awsOptions(global, config)),
        (run) => {
          metrics.observe(run);
          note(
            `${run.finishedAt.toISOString()} job ${run.job}: ${run.status}${run.error ? ` (${run.error})` : ""}`,
          );
        },
      );
      const metrics = new ServeMetrics(store.connection, scheduler);
      await ensureCostAggregates(store.connection, {
        teamKeys: config.tags.teamKeys,
        caseInsensitiveTags: config.tags.caseInsensitive,
      });
      const token = process.env.FINOPS_WEB_TOKEN || undefined;
      const app = createServer({
        connection: store.connection,
        connect: () => store.connect(),
        dbPath: store.path,
        config,
        ...(token ? { token } : {}),
        scheduler,
        metrics,
      });
      const address = await app.listen({ host: options.host, port });
      if (options.schedules) scheduler.start(config.schedules);
      printLine(`finops serve: listening on ${address} (database ${store.path})`);
      if (!token) note("FINOPS_WEB_TOKEN is not set: the web view cannot approve plans");
      const stop = async () => {
        await scheduler.stop();
        await app.close();
        store.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      // Keeps running until a signal: the scheduler's and the server's handles hold the event loop.
      await new Promise<never>(() => {});
    });
}
