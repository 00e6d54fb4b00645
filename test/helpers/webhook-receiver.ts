import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface WebhookReceiver {
  /** The URL of a path on this receiver (what a webhook variable holds). */
  url(path: string): string;
  /** Every request, answered or failed on purpose. */
  requests: ReceivedRequest[];
  /** The requests to a path that were answered 200: the messages delivered there. */
  delivered(path: string): { headers: IncomingHttpHeaders; json: unknown }[];
  /** The next `count` requests to the path are answered with `status`. */
  failNext(path: string, count: number, status?: number): void;
  /** Every request to the path is answered with `status` until `heal`. */
  failAlways(path: string, status?: number): void;
  heal(path: string): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for Slack incoming webhooks and generic JSON webhooks: it records
 * every POST, answers "ok" (as Slack does), and fails on demand to exercise the retries.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const failures = new Map<string, { left: number; status: number }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const failure = failures.get(path);
      const status = failure && failure.left > 0 ? failure.status : 200;
      if (failure && Number.isFinite(failure.left)) failure.left--;
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ path, headers: request.headers, body, status, at: Date.now() });
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status === 200 ? "ok" : "server_error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    requests,
    delivered: (path) =>
      requests
        .filter((r) => r.path === path && r.status === 200)
        .map((r) => ({ headers: r.headers, json: JSON.parse(r.body) as unknown })),
    failNext: (path, count, status = 500) => failures.set(path, { left: count, status }),
    failAlways: (path, status = 500) => failures.set(path, { left: Number.POSITIVE_INFINITY, status }),
    heal: (path) => failures.delete(path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
