import { UsageError } from "../../core/errors.js";

/**
 * What each command is through `finops --server URL`: a read the server answers (GET /api/cli, the read
 * token), a job the server runs (POST /api/jobs, the approver token), a command that never needs the
 * database and runs where it is typed, or one that cannot run through a server.
 */
export type RemoteKind = "read" | "job" | "local" | "refused";

const READS = new Set(["costs", "resources", "findings", "commitments", "history", "rules", "report"]);
const JOBS = new Set(["analyze", "plan", "approve", "apply", "collect", "notify", "cleanup", "report"]);
const LOCAL = new Set(["iam-policy"]);

/** Why a command cannot run through a server. */
const REFUSED: Record<string, string> = {
  ingest:
    "it loads files from this machine into the database: run it where the database is (stop the server first), or let the server's collect job read the billing export",
  serve: "it starts a server of its own",
  demo: "it builds a database of its own",
};

/** The global options that take a value (their value is never the command's name). */
const VALUE_OPTIONS = new Set([
  "--db",
  "--config",
  "--profile",
  "--regions",
  "--endpoint-url",
  "--now",
  "--server",
  "--token",
]);

/** The command the arguments name: the first word that is neither an option nor a global option's value. */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") return args[i + 1];
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/** How the CLI runs `args` against a server: report is a read, and with --send a job. */
export function remoteKind(args: readonly string[]): RemoteKind {
  const command = commandOf(args);
  if (command === undefined || LOCAL.has(command) || command === "help") return "local";
  if (command in REFUSED) return "refused";
  if (command === "report") return args.includes("--send") ? "job" : "read";
  if (READS.has(command)) return "read";
  if (JOBS.has(command)) return "job";
  // An unknown command: the server's parser names it (a usage error, exit 2), as locally.
  return "read";
}

export function refusedReason(command: string): string | undefined {
  return REFUSED[command];
}

/**
 * Options that name files or folders: on the server they would be the server's, not the caller's. (The
 * CLI keeps report's --out for itself: the report's files come back to it and it writes them there.)
 */
const SERVER_FILE_OPTIONS: Record<string, string[]> = {
  report: ["out"],
  collect: ["record", "replay"],
};

/**
 * The server's check of the command a request runs, once the arguments are parsed (so the check sees
 * what commander will run, not a guess from the words): a read request runs only reads, a job request
 * only jobs, and no option reads or writes the server's files for the caller.
 */
export function gateFor(
  kind: "read" | "job",
): (path: readonly string[], options: Readonly<Record<string, unknown>>) => void {
  return (path, options) => {
    const command = path[0] ?? "";
    const reason = REFUSED[command];
    if (reason) throw new UsageError(`${command} cannot run through finops serve: ${reason}`);
    if (options.server !== undefined || options.token !== undefined) {
      throw new UsageError("--server and --token are for the CLI that calls a server, not for the server");
    }
    for (const option of SERVER_FILE_OPTIONS[command] ?? []) {
      if (options[option] !== undefined) {
        throw new UsageError(
          `--${option} cannot be used with --server: it names a folder, and the server's machine is not this one`,
        );
      }
    }
    const isJob = command === "report" ? options.send === true : JOBS.has(command);
    const isRead = command === "report" ? options.send !== true : READS.has(command);
    if (kind === "read" && !isRead) {
      throw new UsageError(`${command} changes the database or sends: start it as a job (POST /api/jobs)`);
    }
    if (kind === "job" && !isJob) {
      throw new UsageError(`${command} only reads: ask for it with GET /api/cli, not as a job`);
    }
  };
}
