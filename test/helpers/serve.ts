import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_ROOT } from "./project.js";

export interface Served {
  base: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `finops serve --port 0` (any free port) with the arguments, and waits for its address; `command`
 * replaces `serve` (e.g. with `demo`, which serves too).
 */
export async function startServe(
  args: string[],
  env: Record<string, string> = {},
  command: string[] = ["serve"],
): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(PROJECT_ROOT, "dist/cli/main.js"), ...command, "--port", "0", ...args],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  let base = "";
  for (let i = 0; i < 1200 && !base; i++) {
    base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? "";
    if (!base) {
      if (child.exitCode !== null) break;
      await sleep(100);
    }
  }
  if (!base) {
    child.kill("SIGKILL");
    throw new Error(`finops serve did not start: ${output}`);
  }
  return {
    base,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
