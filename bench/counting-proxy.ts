/**
 * A counting proxy: a loopback HTTP server in the benchmark's process that forwards every request to
 * moto and counts it by service and action (DryRun calls apart), with the time moto took to answer.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { round } from "./figures.js";

export interface ActionStats {
  calls: number;
  /** Milliseconds from forwarding the request to moto to its whole answer, summed. */
  upstreamMs: number;
}

export interface CountingProxy {
  endpoint: string;
  /** The calls counted since the last take (by "service:Action", DryRun ones apart), and a fresh count. */
  take(): Map<string, ActionStats>;
  close(): Promise<void>;
}

/** "ec2:DescribeInstances", "ec2:TerminateInstances (DryRun)", "sts:GetCallerIdentity". */
function callKey(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): string {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ""));
  const service = scope?.[1] ?? "unsigned";
  const target = headers["x-amz-target"];
  if (typeof target === "string") return `${service}:${target.split(".").pop()}`;
  const params = new URLSearchParams(body.toString("utf8"));
  const action = params.get("Action") ?? `${method} ${url.split("?")[0]}`;
  return `${service}:${action}${params.get("DryRun") === "true" ? " (DryRun)" : ""}`;
}

/** A loopback proxy in front of moto that counts every AWS request finops (or the baseline) sends. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let counts = new Map<string, ActionStats>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const key = callKey(request.method ?? "GET", request.url ?? "/", request.headers, body);
      const stats = counts.get(key) ?? { calls: 0, upstreamMs: 0 };
      stats.calls++;
      counts.set(key, stats);
      const headers = { ...request.headers };
      delete headers.connection;
      const started = performance.now();
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers,
          agent,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("end", () => {
            stats.upstreamMs += performance.now() - started;
            const payload = Buffer.concat(parts);
            const answerHeaders = { ...answer.headers, "content-length": String(payload.length) };
            delete answerHeaders["transfer-encoding"];
            delete answerHeaders.connection;
            response.writeHead(answer.statusCode ?? 502, answerHeaders);
            response.end(payload);
          });
          answer.on("error", (error) => response.destroy(error));
        },
      );
      forwarded.on("error", (error) => {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`bench proxy: ${error.message}`);
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

export function callsReport(counts: Map<string, ActionStats>) {
  const byAction: Record<string, { calls: number; motoMsMean: number }> = {};
  for (const [key, stats] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    byAction[key] = { calls: stats.calls, motoMsMean: round(stats.upstreamMs / stats.calls, 2) };
  }
  const total = [...counts.values()].reduce((sum, s) => sum + s.calls, 0);
  const motoSeconds = [...counts.values()].reduce((sum, s) => sum + s.upstreamMs, 0) / 1000;
  return { total, byAction, motoSeconds: round(motoSeconds, 2) };
}

export const callsOf = (counts: Map<string, ActionStats>, key: string) => counts.get(key)?.calls ?? 0;
