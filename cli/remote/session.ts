import { AsyncLocalStorage } from "node:async_hooks";
import type { AwsOptions } from "../../aws/clients.js";
import type { Config } from "../../config/schema.js";
import type { Store } from "../../store/database.js";

/**
 * A command that `finops serve` runs for a CLI elsewhere (`finops --server URL ...`): the very command
 * the CLI would run locally, with the server's database, configuration and AWS options, its output sent
 * back to that CLI instead of the server's own stdout and stderr. Running the same code is what makes
 * the remote output the local output: same tables (fitted to the caller's width), same --json, same
 * exit codes, money as the exact literals the store summed.
 */
export interface RemoteSession {
  /** Where the command's output goes: the response streamed back to the caller. */
  write(stream: "stdout" | "stderr", text: string): void;
  /**
   * A file the command made for the caller (a report's files), its name a plain file name: sent to the
   * caller, which writes it into its own folder. The server writes it nowhere for this.
   */
  file(name: string, content: Uint8Array): void;
  /**
   * Writes, at this point of stdout, the caller's own path of a file sent before with file(): as a line
   * (what printLine prints of it), or as a JSON string (what printJson writes of it).
   */
  path(name: string, as: "line" | "json"): void;
  /** The caller's output width (its $COLUMNS or terminal), null: no limit (a pipe). */
  width: number | null;
  /** Whether the caller's stdout is a terminal (the tables' colours). */
  color: boolean;
  store: Store;
  config: Config;
  aws: AwsOptions;
  /**
   * Refuses (throws a UsageError) a command this request may not run: a read request may not run a
   * write, and nothing reads or writes files on the server's machine for the caller.
   */
  gate(commandPath: readonly string[], options: Readonly<Record<string, unknown>>): void;
}

const sessions = new AsyncLocalStorage<RemoteSession>();

/** The remote session this code runs in, if any (undefined: a local CLI run). */
export function remoteSession(): RemoteSession | undefined {
  return sessions.getStore();
}

/** Runs body as the command of a remote session: every output and store access inside goes through it. */
export function inRemoteSession<T>(session: RemoteSession, body: () => Promise<T>): Promise<T> {
  return sessions.run(session, body);
}
