/**
 * The web benchmark's server: `finops serve --port 0 --no-schedules` as a child process with the rusage
 * hook, timed from spawn to its "listening" line, stopped by SIGTERM (its peak RSS and CPU then read
 * back) or killed.
 */
import { join } from "node:path";
import { round } from "./figures.js";
import { ChildFailure, PROJECT_ROOT, readRusage, spawnNodeWithRusage } from "./measure.js";

/** How long a server may take to build the aggregates and listen. */
const LISTEN_TIMEOUT_MS = 15 * 60_000;

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");

export interface Server {
  base: string;
  /** Spawn to the "listening" line, as this process saw it. */
  listenSeconds: number;
  output(): string;
  /** SIGTERM, then the child's peak RSS and CPU from the rusage hook. */
  stop(): Promise<{ peakRssMiB: number; cpuSeconds: number }>;
  kill(): void;
}

export async function startServer(
  db: string,
  config: string,
  scratch: string,
  label: string,
): Promise<Server> {
  const rssFile = join(scratch, `${label}.rusage`);
  const started = performance.now();
  const child = spawnNodeWithRusage(
    [CLI, "serve", "--port", "0", "--no-schedules", "--db", db, "--config", config],
    rssFile,
    ["ignore", "pipe", "pipe"],
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ChildFailure(`${label}: not listening after ${LISTEN_TIMEOUT_MS / 1000} s:\n${output}`));
    }, LISTEN_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ChildFailure(`${label}: exited with code ${code} before listening:\n${output.trim()}`));
    });
  });
  const listenSeconds = (performance.now() - started) / 1000;
  return {
    base,
    listenSeconds,
    output: () => output,
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0)
        throw new ChildFailure(`${label}: exited with code ${code} on SIGTERM:\n${output.trim()}`);
      const { peakRssKiB, userMicros, systemMicros } = await readRusage(rssFile);
      return {
        peakRssMiB: round(peakRssKiB / 1024, 1),
        cpuSeconds: round((userMicros + systemMicros) / 1e6, 2),
      };
    },
  };
}
