import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import type { AwsOptions } from "../aws/clients.js";
import type { Config } from "../config/schema.js";
import { parseIsoInstant } from "../core/dates.js";
import { UsageError } from "../core/errors.js";
import { loadConfig } from "../rules/config.js";
import {
  DatabaseBusy,
  type OpenOptions,
  openStore,
  resolveDbPath,
  type ServerNote,
  type Store,
  serverNotePath,
} from "../store/database.js";
import { remoteSession } from "./remote/session.js";

/** The options every command accepts, before or after the command name. */
export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  profile?: string;
  regions?: string;
  endpointUrl?: string;
  now?: string;
  /** `finops --server URL`: run the command on that `finops serve` (cli/remote/client.ts). */
  server?: string;
  token?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * Refuses an option that names something on the caller's machine (a file, an AWS profile or endpoint)
 * in a command `finops serve` runs for it: the server has its own, and silently using them instead
 * would answer a different question than the one asked.
 */
export function refuseRemote(flag: string, given: unknown, what: string): void {
  if (given !== undefined && given !== false && remoteSession()) {
    throw new UsageError(`${flag} cannot be used with --server: ${what}`);
  }
}

export function commandConfig(options: GlobalOptions): Config {
  const session = remoteSession();
  if (session) {
    refuseRemote("--config", options.config, "the server runs with its own rules.yaml");
    return session.config;
  }
  return loadConfig(options.config);
}

export function awsOptions(options: GlobalOptions, config: Config): AwsOptions {
  const session = remoteSession();
  if (session) {
    const why = "the server calls AWS with its own credentials, regions and endpoint";
    refuseRemote("--profile", options.profile, why);
    refuseRemote("--regions", options.regions, why);
    refuseRemote("--endpoint-url", options.endpointUrl, why);
    return session.aws;
  }
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const regions = options.regions?.split(",").filter(Boolean) ?? config.aws.regions;
  const endpointUrl = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  return { ...(regions[0] ? { region: regions[0] } : {}), ...(endpointUrl ? { endpointUrl } : {}) };
}

/** The instant rules and windows are evaluated at: --now, else the clock. */
export function now(options: GlobalOptions): Date {
  if (options.now === undefined) return new Date();
  const parsed = parseIsoInstant(options.now)?.date;
  if (!parsed) {
    throw new UsageError(
      `--now: "${options.now}" is not a valid ISO 8601 date or date-time (e.g. 2024-09-18T22:00:00Z)`,
    );
  }
  return parsed;
}

/**
 * Whether this run is a preview: --now names an instant after the clock. A preview shows what a later
 * day will bring and stores nothing (no findings history, no analysis run, no plan): the day has not
 * come, and what it would store would be read as fact by every run until then (findings resolved in the
 * future, a plan approvable today). --now at or before the clock (a back-test) runs as it always did.
 * The one place that decides it; the commands pass it to the stages' write paths.
 */
export function isPreview(options: GlobalOptions): boolean {
  return options.now !== undefined && now(options).getTime() > Date.now();
}

/** Refuses a future --now (a preview) on a command whose whole point is to write or send. */
export function refusePreview(options: GlobalOptions, command: string, why: string): void {
  if (isPreview(options)) {
    throw new UsageError(`${command}: --now ${options.now} is in the future, and ${why}`);
  }
}

/**
 * Refuses --now on a command that approves or applies. Approvals are recorded, and their expiry
 * checked, by the clock alone: an approval made "as of" a later day would outlive its hours, and an
 * apply "as of" an earlier day would revive an expired approval.
 */
export function refuseNow(options: GlobalOptions, command: string, why: string): void {
  if (options.now !== undefined) throw new UsageError(`${command}: --now is not accepted here: ${why}`);
}

/** How a command opens the store; `create`: the command may make the database (ingest, collect). */
export type StoreOpening = OpenOptions & { create?: boolean };

/**
 * Opens the store for one command. Only the commands that fill a database create one: a read (costs,
 * findings, plan, report...) of a path with no database is a usage error naming the path, never an
 * empty database and an empty answer that look like "no waste".
 */
export async function withStore<T>(
  options: GlobalOptions,
  body: (store: Store) => Promise<T>,
  openOptions: StoreOpening = {},
): Promise<T> {
  const session = remoteSession();
  if (session) {
    refuseRemote("--db", options.db, "the server runs on its own database");
    // A connection of its own, as every web request and job of the server has: its transactions never
    // mix with another request's.
    const connection = await session.store.connect();
    try {
      return await body({ ...session.store, connection, close: () => connection.closeSync() });
    } finally {
      connection.closeSync();
    }
  }
  const path = resolveDbPath(options.db);
  if (!openOptions.create && path !== ":memory:" && !existsSync(path)) {
    throw new UsageError(
      `no database at ${path}: create one with \`finops ingest FILE\`, \`finops collect\` or \`finops demo\`, or point --db (or FINOPS_DB) at an existing one`,
    );
  }
  const store = await openStore(path, openOptions).catch((error: unknown) => {
    throw error instanceof DatabaseBusy ? new DatabaseBusy(withServerHint(error.message, path)) : error;
  });
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

/** The held-database message, plus the way to run this very command through the server that holds it. */
function withServerHint(message: string, path: string): string {
  try {
    const note = JSON.parse(readFileSync(serverNotePath(path), "utf8")) as Partial<ServerNote>;
    if (typeof note.url !== "string" || !message.includes(note.url)) return message;
    return `${message}; or run this command through it: finops --server ${note.url} ... (with --token, or FINOPS_TOKEN, when it asks for one)`;
  } catch {
    return message;
  }
}
