/**
 * Development only: a fixture /api with the shapes of `finops serve`, for `vite` and `vite preview` when no
 * server runs (FINOPS_API unset). Never bundled into dist/web.
 *
 *   MOCK_EMPTY=1     every endpoint answers as a fresh database would (empty states)
 *   MOCK_DELAY=800   answers wait this many milliseconds (loading states)
 *   approval token:  dev-token
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "vite";

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

import type { Approval } from "../../contract";
import { commitmentRoutes } from "./mock/commitments.ts";
import { costRoutes } from "./mock/costs.ts";
import { buildBilling } from "./mock/estate.ts";
import { buildFindings, findingRoutes } from "./mock/findings.ts";
import { approve, buildPlans, planRoutes } from "./mock/plans.ts";
import type { MockRoute } from "./mock/route.ts";

export function mockApi(): Plugin {
  const empty = process.env.MOCK_EMPTY === "1";
  const delay = Number(process.env.MOCK_DELAY ?? 0);
  const billing = empty ? [] : buildBilling();
  const findings = empty ? [] : buildFindings();
  const plans = empty ? [] : buildPlans(findings);
  const approvals = new Map<string, Approval>();
  const routes: MockRoute[] = [
    ...costRoutes(empty, billing, findings),
    ...findingRoutes(findings),
    ...planRoutes(plans, approvals),
    ...commitmentRoutes(empty),
  ];

  const handler: Handler = (req, res, next) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/")) return next();
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      setTimeout(() => {
        res.statusCode = status;
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
        res.end(JSON.stringify(body));
      }, delay);

    const approving = url.pathname.match(/^\/api\/plans\/([^/]+)\/approve$/);
    if (approving) {
      if (req.method !== "POST") return reply(405, { error: "use POST" });
      return approve(req, approving[1] ?? "", plans, approvals, reply);
    }
    for (const [pattern, route] of routes) {
      const match = url.pathname.match(pattern);
      if (match) {
        const [status, body, headers] = route(match, url.searchParams, req);
        return reply(status, body, headers);
      }
    }
    reply(404, { error: `no route ${url.pathname}` });
  };

  return {
    name: "finops-mock-api",
    configureServer(server) {
      server.middlewares.use(handler);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler);
    },
  };
}
