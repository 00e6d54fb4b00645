import type { AwsOptions } from "../../aws/clients.js";
import type { Config } from "../../config/schema.js";
import type { Store } from "../../store/database.js";
import type { CliRunner } from "../../web/api/cli.js";
import { gateFor } from "./commands.js";
import { inRemoteSession } from "./session.js";

/**
 * How `finops serve` runs a command for a CLI elsewhere: the CLI's own main() on the server's store,
 * configuration and AWS options, its output streamed back (cli/remote/session.ts). The same parser, the
 * same checks, the same printing and the same exit codes as a local run, by construction.
 */
export function cliRunner(store: Store, config: Config, aws: AwsOptions): CliRunner {
  return async (kind, args, output) => {
    const { main } = await import("../program.js");
    return inRemoteSession({ ...output, store, config, aws, gate: gateFor(kind) }, () =>
      main(["node", "finops", ...args]),
    );
  };
}

/** Whether a listen address reaches this machine only. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}
