import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
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

export interface RawAnswer {
  status: number;
  body: string;
}

/**
 * A request with the Host header the test chooses (fetch always sends the URL's own), or none at all
 * (null): what a page of another site reaches the server with after DNS rebinding.
 */
export function requestWithHost(
  base: string,
  path: string,
  host: string | null,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? "GET",
        setHost: false,
        headers: { ...(host === null ? {} : { host }), ...options.headers },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}
