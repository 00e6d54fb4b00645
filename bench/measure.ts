import { spawn } from "node:child_process";
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
    const child = spawn(process.execPath, ["--import", RUSAGE_HOOK, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, [RSS_FILE_ENV]: rssFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
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
    const usage = (await readFile(rssFile, "utf8").catch(() => "")).trim().split(" ").map(Number);
    const [peakRssKiB = 0, userMicros = Number.NaN, systemMicros = Number.NaN] = usage;
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
