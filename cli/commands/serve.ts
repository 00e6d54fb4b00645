import { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { resolveDbPath } from "../../store/database.js";
import { awsOptions, commandConfig, globalOptions, now } from "../context.js";
import { allowedHostsOption, runServe } from "../serve-run.js";

interface ServeOptions {
  host: string;
  port: string;
  allowedHosts?: string;
  schedules: boolean;
}

export function serveCommand(): Command {
  return new Command("serve")
    .description(
      "run the schedules of rules.yaml (collect, analyze, report, notify, cleanup) and serve the web view, its " +
        "JSON API, /healthz and /metrics (Prometheus); the process to deploy",
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8787")
    .option(
      "--allowed-hosts <names>",
      "comma-separated host names (name: any port; name:port: that port only) the server answers to, besides localhost, 127.0.0.1, " +
        "[::1] and the --host address (0.0.0.0 or ::: every address of this machine); any other Host header " +
        "gets 421, which keeps pages of other sites out by DNS rebinding (default: $FINOPS_ALLOWED_HOSTS)",
    )
    .option("--no-schedules", "serve only: run no scheduled job")
    .action(async (options: ServeOptions, command: Command) => {
      const global = globalOptions(command);
      const config = commandConfig(global);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port: "${options.port}" is not a port number`);
      }
      await runServe({
        dbPath: resolveDbPath(global.db),
        config,
        aws: awsOptions(global, config),
        host: options.host,
        port,
        ...(options.allowedHosts === undefined
          ? {}
          : { allowedHosts: allowedHostsOption(options.allowedHosts, "--allowed-hosts") }),
        schedules: options.schedules,
        ...(global.now !== undefined ? { now: now(global) } : {}),
      });
    });
}
