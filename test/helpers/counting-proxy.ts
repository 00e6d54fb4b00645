import { createServer, type IncomingMessage, type Server } from "node:http";

export interface RecordedRequest {
  target: string;
  body: string;
  /** A fault stopped it before the emulator saw it: it was never made. */
  dropped?: true;
}

/**
 * A fault at the nth request a test picks out, counted from when it is set: the finops child is killed
 * there (SIGKILL, no cleanup, like a power cut), or the request is held. `before`: the emulator never
 * sees the request (the journal says the call started, AWS says it never came). `after`: the emulator
 * has acted on it and the answer never reaches finops (the call was made, the journal does not know).
 */
export interface ProxyFault {
  matches: (request: RecordedRequest) => boolean;
  /** Which matching request (1: the first). */
  nth: number;
  at: "before" | "after";
  /** The process to SIGKILL there (the `finops apply` child's pid). */
  kill?: number;
  /** Or: hold the request there until this settles. */
  hold?: Promise<unknown>;
  /** Called when the fault fires (before the kill or the hold). */
  onReached?: () => void;
  /** How many matching requests came so far (the proxy counts). */
  seen?: number;
  fired?: boolean;
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
  /** When set, fires once (see ProxyFault). */
  fault?: ProxyFault;
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
    const recorded: RecordedRequest = { target, body: body.toString("utf8") };
    proxy.requests.push(recorded);
    const fault = proxy.fault;
    let firing = false;
    if (fault && !fault.fired && fault.matches(recorded)) {
      fault.seen = (fault.seen ?? 0) + 1;
      firing = fault.seen === fault.nth;
      if (firing) fault.fired = true;
    }
    /** Fires the fault at this point; true when the child is dead and the request must go no further. */
    const fire = async (): Promise<boolean> => {
      fault?.onReached?.();
      if (fault?.hold) await fault.hold;
      if (fault?.kill === undefined) return false;
      process.kill(fault.kill, "SIGKILL");
      response.destroy();
      return true;
    };
    if (firing && fault?.at === "before" && (await fire())) {
      recorded.dropped = true;
      return;
    }
    const failWith = proxy.failWith;
    if (
      failWith &&
      target.endsWith(failWith.target) &&
      (failWith.bodyIncludes === undefined || recorded.body.includes(failWith.bodyIncludes))
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
    const answer = Buffer.from(await upstreamResponse.arrayBuffer());
    if (firing && fault?.at === "after" && (await fire())) return;
    response.writeHead(upstreamResponse.status, Object.fromEntries(upstreamResponse.headers));
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  proxy.endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
