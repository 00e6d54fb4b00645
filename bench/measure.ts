import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

const here = dirname(fileURLToPath(import.meta.url));

/** The project root (dist/bench/ is two levels below it). */
export const PROJECT_ROOT = join(here, "..", "..");

/** Read by rusage-hook.ts (kept free of imports so that it stays a tiny preload). */
const RSS_FILE_ENV = "FINOPS_BENCH_RSS_FILE";
const RUSAGE_HOOK = pathToFileURL(join(here, "rusage-hook.js")).href;

/**
 * Spawns `node --import rusage-hook.js ...args` from the project root: on exit the child writes its peak
 * RSS and CPU time to `rssFile` (read them back with readRusage).
 */
export function spawnNodeWithRusage(args: string[], rssFile: string, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, ["--import", RUSAGE_HOOK, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, [RSS_FILE_ENV]: rssFile },
    stdio,
  });
}

/**
 * What the rusage hook wrote: peak RSS in KiB (0 when missing), user and system CPU in microseconds
 * (NaN when missing: a child killed by a signal never ran its exit hook).
 */
export async function readRusage(
  rssFile: string,
): Promise<{ peakRssKiB: number; userMicros: number; systemMicros: number }> {
  const usage = (await readFile(rssFile, "utf8").catch(() => "")).trim().split(" ").map(Number);
  const [peakRssKiB = 0, userMicros = Number.NaN, systemMicros = Number.NaN] = usage;
  return { peakRssKiB, userMicros, systemMicros };
}

export interface Measurement {
  wallSeconds: number;
  peakRssKiB: number;
  /** User plus system CPU time of the child: less sensitive than wall time to other load on the machine. */
  cpuSeconds: number;
  stdout: string;
}

export class ChildFailure extends Error {}

/**
 * Runs `node --import rusage-hook.js ...args` and measures it: wall time from spawn to exit, taken by
 * this process, and the child's peak RSS, which the preloaded hook writes on exit.
 */
export async function measureNode(args: string[], label: string): Promise<Measurement> {
  const scratch = await mkdtemp(join(tmpdir(), "finops-bench-rss-"));
  const rssFile = join(scratch, "maxrss");
  try {
    const started = performance.now();
    const child = spawnNodeWithRusage(args, rssFile, ["ignore", "pipe", "pipe"]);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
      (resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() }));
      },
    );
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const { code, signal, at } = await exited;
    await closed;
    const wallSeconds = (at - started) / 1000;
    const errorText = Buffer.concat(stderr).toString("utf8").trim();
    if (code !== 0) {
      throw new ChildFailure(
        `${label}: exited with ${signal ? `signal ${signal}` : `code ${code}`}${errorText ? `:\n${errorText}` : ""}`,
      );
    }
    const { peakRssKiB, userMicros, systemMicros } = await readRusage(rssFile);
    if (!(peakRssKiB > 0) || !Number.isFinite(userMicros + systemMicros)) {
      throw new ChildFailure(`${label}: the rusage hook wrote no peak RSS`);
    }
    return {
      wallSeconds,
      peakRssKiB,
      cpuSeconds: (userMicros + systemMicros) / 1e6,
      stdout: Buffer.concat(stdout).toString("utf8"),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs body on a read-only connection to a benchmark's database (after the measured process ended),
 * with extension autoload and autoinstall off as everywhere in finops.
 */
export async function withReadOnlyDatabase<T>(
  db: string,
  body: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(db, {
    access_mode: "READ_ONLY",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  try {
    const connection = await instance.connect();
    try {
      return await body(connection);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A query's rows as JSON-ready objects. */
export async function readRows(connection: DuckDBConnection, sql: string) {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson();
}

/** A child's stdout parsed as JSON, or a ChildFailure quoting its start. */
export function parseChildJson<T>(stdout: string, label: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new ChildFailure(`${label}: stdout is not JSON: ${stdout.slice(0, 500)}`);
  }
}

/**
 * `node --import rusage-hook.js ...args` with stdout to /dev/null, measured as measureNode does; the
 * rusage file is `dir`/maxrss. A non-zero exit is returned, not thrown: it is part of the report.
 */
export async function measureNodeExit(
  args: string[],
  dir: string,
  label: string,
): Promise<{
  wallSeconds: number;
  cpuSeconds: number;
  peakRssKiB: number;
  exitCode: number | null;
  error?: string;
}> {
  const rssFile = join(dir, "maxrss");
  await rm(rssFile, { force: true });
  const started = performance.now();
  // "ignore" gives the child /dev/null: what it writes on stdout is dropped.
  const child = spawnNodeWithRusage(args, rssFile, ["ignore", "ignore", "pipe"]);
  const stderr: Buffer[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  const closed = new Promise<void>((resolve) => child.stderr?.once("close", () => resolve()));
  const { code, signal, at } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode, exitSignal) =>
      resolve({ code: exitCode, signal: exitSignal, at: performance.now() }),
    );
  });
  await closed;
  const errorText = Buffer.concat(stderr).toString("utf8").trim();
  const { peakRssKiB, userMicros, systemMicros } = await readRusage(rssFile);
  const failed = code !== 0;
  // A child killed by a signal never ran its exit hook: its figures are unknown (null in the report).
  if (!failed && (!(peakRssKiB > 0) || !Number.isFinite(userMicros + systemMicros)))
    throw new ChildFailure(`${label}: the rusage hook wrote no peak RSS`);
  return {
    wallSeconds: (at - started) / 1000,
    cpuSeconds: (userMicros + systemMicros) / 1e6,
    peakRssKiB: peakRssKiB > 0 ? peakRssKiB : Number.NaN,
    exitCode: signal ? null : code,
    ...(failed
      ? { error: `${signal ? `signal ${signal}` : `exit ${code}`}: ${errorText.split("\n")[0] ?? ""}` }
      : {}),
  };
}
