import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { type CommitmentStandIn, startCommitmentStandIn } from "./commitment-stand-in.js";
import { PROJECT_ROOT } from "./project.js";

/** The moto server from the project's virtualenv (test/setup.sh creates it). */
export const MOTO_SERVER = process.env.FINOPS_MOTO_SERVER ?? join(PROJECT_ROOT, ".venv/bin/moto_server");

export interface Moto {
  /** A commitment stand-in in front of moto (it answers the reservation and Savings Plans calls moto lacks). */
  endpoint: string;
  /** That stand-in: a test gives it reservations and plans; without any it answers an account that has none. */
  commitments: CommitmentStandIn;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a moto server on a free loopback port: a real AWS-compatible endpoint that keeps state. */
export async function startMoto(): Promise<Moto> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(
      `${MOTO_SERVER} is missing: run \`bash test/setup.sh\` (npm test does) to create the moto virtualenv`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk) => {
    log = (log + chunk).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${log}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on ${endpoint} in 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const commitments = await startCommitmentStandIn(endpoint);
  return {
    endpoint: commitments.endpoint,
    commitments,
    stop: async () => {
      await commitments.close();
      await new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        child.kill("SIGTERM");
      });
    },
  };
}
