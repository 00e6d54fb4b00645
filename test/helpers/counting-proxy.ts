import { createServer, type IncomingMessage, type Server } from "node:http";

export interface RecordedRequest {
  target: string;
  body: string;
}

export interface CountingProxy {
  endpoint: string;
  requests: RecordedRequest[];
  /**
   * When set, answers matching requests itself with this status and body instead of forwarding: those
   * whose target ends with `target` and, when set, whose body includes `bodyIncludes` (query-protocol
   * APIs such as STS have no target header: every call is "POST /").
   */
  failWith?: { target: string; status: number; body: string; bodyIncludes?: string; contentType?: string };
  /** When set and true for a request (by its headers), answers 503 instead of forwarding. */
  failWhen?: (headers: Record<string, string | string[] | undefined>) => boolean;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * A loopback proxy in front of the emulator that records every AWS request: the test counts what was
 * really sent, independently of what finops says it sent.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const proxy: CountingProxy = { endpoint: "", requests: [], close: async () => {} };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const target = String(request.headers["x-amz-target"] ?? `${request.method} ${request.url}`);
    proxy.requests.push({ target, body: body.toString("utf8") });
    const failWith = proxy.failWith;
    if (
      failWith &&
      target.endsWith(failWith.target) &&
      (failWith.bodyIncludes === undefined || body.toString("utf8").includes(failWith.bodyIncludes))
    ) {
      response.writeHead(failWith.status, {
        "content-type": failWith.contentType ?? "application/x-amz-json-1.1",
      });
      response.end(failWith.body);
      return;
    }
    if (proxy.failWhen?.(request.headers)) {
      response.writeHead(503, { "content-type": "text/plain" });
      response.end("Service Unavailable");
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name]) => !["host", "connection", "content-length"].includes(name),
      ),
    ) as Record<string, string>;
    const upstreamResponse = await fetch(`${upstream}${request.url}`, {
      method: request.method ?? "GET",
      headers,
      ...(body.length ? { body } : {}),
    });
    response.writeHead(upstreamResponse.status, Object.fromEntries(upstreamResponse.headers));
    response.end(Buffer.from(await upstreamResponse.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  proxy.endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
