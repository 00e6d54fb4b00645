import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./project.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended it (a test's SIGKILL), else null. */
  signal?: NodeJS.Signals | null;
}

/** Runs the built `finops` binary as a user would, with a clean AWS environment. */
export function runFinops(
  args: string[],
  env: Record<string, string> = {},
  cwd: string = PROJECT_ROOT,
): Promise<CliResult> {
  return startFinops(args, env, cwd).result;
}

/** Starts finops like runFinops, with its process at hand (its pid: for a test to kill it). */
export function startFinops(
  args: string[],
  env: Record<string, string> = {},
  cwd: string = PROJECT_ROOT,
): { child: ChildProcess; result: Promise<CliResult> } {
  let child: ChildProcess | undefined;
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    const started = spawn(process.execPath, [join(PROJECT_ROOT, "dist/cli/main.js"), ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        // Fake credentials: tests only ever talk to an emulator on 127.0.0.1.
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let stdout = "";
    let stderr = "";
    started.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    started.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    started.on("error", reject);
    started.on("close", (code, signal) => resolvePromise({ code: code ?? -1, stdout, stderr, signal }));
  });
  return { child: child as ChildProcess, result };
}

/** Runs finops with --json and parses stdout, failing loudly on a non-zero exit. */
export async function finopsJson<T = unknown>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const result = await runFinops([...args, "--json"], env);
  if (result.code !== 0) {
    throw new Error(`finops ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}
