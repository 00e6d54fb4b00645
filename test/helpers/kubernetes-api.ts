import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** The kinds of object the stand-in lists, by the API path's resource name. */
export type ListedKind = "nodes" | "pods";

export interface KubernetesApiOptions {
  nodes: object[];
  pods: object[];
  /** Kinds the caller may not list: answered 403 Forbidden, with the API server's Status. */
  forbidden?: ListedKind[];
  /** Kinds whose list calls are never answered (a stuck API server or network). */
  silent?: ListedKind[];
  /** The bearer token the stand-in accepts; any other is 401 Unauthorized. */
  token?: string;
}

export interface KubernetesApi {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Writes a kubeconfig whose context `context` points at this server with its token; returns its path. */
  kubeconfig(dir: string, context?: string): string;
  close(): Promise<void>;
}

const LIST_KIND: Record<ListedKind, string> = { nodes: "NodeList", pods: "PodList" };
const RESOURCE_VERSION = "4711";

/**
 * A local stand-in for a Kubernetes API server, answering GET /api/v1/nodes and /api/v1/pods as the real
 * one does: a List with metadata.resourceVersion, `limit` objects per page and metadata.continue while
 * more remain (an opaque token; one it did not issue is 410 Expired, as after etcd compaction), Status
 * objects for errors (401, 403 with the RBAC message, 404). Plain HTTP on 127.0.0.1: the client allows it
 * with insecure-skip-tls-verify.
 */
export async function startKubernetesApi(options: KubernetesApiOptions): Promise<KubernetesApi> {
  const token = options.token ?? "stand-in-token";
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? "");
    answer(request, response);
  });
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    if (request.headers.authorization !== `Bearer ${token}`) {
      return status(response, 401, "Unauthorized", "Unauthorized");
    }
    const kind = /^\/api\/v1\/(nodes|pods)$/.exec(url.pathname)?.[1] as ListedKind | undefined;
    if (request.method !== "GET" || !kind) {
      return status(response, 404, "NotFound", `the server could not find the requested resource`);
    }
    if (options.silent?.includes(kind)) return;
    if (options.forbidden?.includes(kind)) {
      return status(
        response,
        403,
        "Forbidden",
        `${kind} is forbidden: User "system:serviceaccount:default:finops" cannot list resource "${kind}" in API group "" at the cluster scope`,
      );
    }
    const items = kind === "nodes" ? options.nodes : options.pods;
    const limit = Number(url.searchParams.get("limit") ?? "0");
    let start = 0;
    const continueToken = url.searchParams.get("continue");
    if (continueToken) {
      const decoded = decodeContinue(continueToken);
      if (decoded === undefined) {
        return status(
          response,
          410,
          "Expired",
          "The provided continue parameter is too old to display a consistent list result.",
        );
      }
      start = decoded;
    }
    const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
    const more = end < items.length;
    const metadata = {
      resourceVersion: RESOURCE_VERSION,
      ...(more ? { continue: encodeContinue(end), remainingItemCount: items.length - end } : {}),
    };
    json(response, 200, {
      kind: LIST_KIND[kind],
      apiVersion: "v1",
      metadata,
      items: items.slice(start, end),
    });
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeconfig(dir, context = "stand-in") {
      const path = join(dir, `kubeconfig-${context}.yaml`);
      writeFileSync(
        path,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          "  - name: stand-in",
          `    cluster: { server: "${url}", insecure-skip-tls-verify: true }`,
          "users:",
          "  - name: finops",
          `    user: { token: ${token} }`,
          "contexts:",
          `  - name: ${context}`,
          "    context: { cluster: stand-in, user: finops }",
          "  - name: elsewhere",
          "    context: { cluster: nowhere, user: finops }",
          "current-context: elsewhere",
          "",
        ].join("\n"),
      );
      return path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real server's tokens are opaque base64 JSON holding the resource version and where to go on. */
function encodeContinue(start: number): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(RESOURCE_VERSION), start })).toString(
    "base64url",
  );
}

function decodeContinue(token: string): number | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      rv?: number;
      start?: number;
    };
    return decoded.rv === Number(RESOURCE_VERSION) && typeof decoded.start === "number"
      ? decoded.start
      : undefined;
  } catch {
    return undefined;
  }
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  json(response, code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });
}
