import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import type { JobStatusSource } from "../core/jobs.js";
import { toJson } from "../core/json.js";
import { type CliRunner, cliRoutes } from "./api/cli.js";
import { commitmentRoutes } from "./api/commitments.js";
import { costRoutes } from "./api/costs.js";
import { findingRoutes } from "./api/findings.js";
import { jobRoutes } from "./api/jobs.js";
import { planRoutes } from "./api/plans.js";
import { bearerCheck, type ReadAccess, readCheck } from "./auth.js";
import { type HostAllowList, hostAllowed } from "./hosts.js";
import type { ServeMetrics } from "./metrics.js";

export interface ServerOptions {
  connection: DuckDBConnection;
  /** A connection of its own for each request: requests run side by side with the scheduled jobs. */
  connect: () => Promise<DuckDBConnection>;
  config: Config;
  /** The Host names answered; every other Host (or none) gets 421, on every route. */
  allowedHosts: HostAllowList;
  /** FINOPS_WEB_TOKEN: approving a plan needs it as a bearer token; without it approving is off. */
  token?: string;
  /** FINOPS_READ_TOKEN: every read of the API (GET /api/...) needs it, or `token`, beyond loopback. */
  readToken?: string;
  /** The server listens on loopback only: reads of the API need no token. Default true. */
  loopbackOnly?: boolean;
  /** Runs CLI commands for `finops --server` (GET /api/cli, POST /api/jobs); without it those routes are off. */
  cli?: CliRunner;
  scheduler?: JobStatusSource;
  metrics: ServeMetrics;
  /** The instant commitments' expiry is measured from (serve's --now, for a back-test or the demo); default the clock. */
  now?: () => Date;
  /** The built page (Vite's output); default dist/web beside this file's folder. */
  pageDir?: string;
}

/** No inline scripts or styles, nothing from elsewhere, never in a frame. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** The methods that change nothing; every other one needs the bearer token. */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The routes that stay open beyond loopback: probes and Prometheus scrape /healthz and /metrics (no figure
 * per resource), and the page and its assets ("/*", @fastify/static's) hold no data. Every other route
 * needs a read token there, so a route added later is closed unless it is named here.
 */
const OPEN_ROUTES = new Set(["/healthz", "/metrics", "/", "/*"]);

/**
 * Whether a read needs the read token (beyond loopback): every route but the open ones, by the route it
 * matched (so "/%61pi/costs", routed to /api/costs, is caught too), and any path under /api without a
 * route, so that a 404 does not tell which routes exist.
 */
function readNeedsToken(route: string | undefined, url: string): boolean {
  if (route !== undefined && !OPEN_ROUTES.has(route)) return true;
  const path = url.split("?")[0] as string;
  return path === "/api" || path.startsWith("/api/");
}

/** Where Vite writes the page (not dist/web, which holds this compiled server). */
export const PAGE_DIR = join(fileURLToPath(new URL(".", import.meta.url)), "..", "page");

/**
 * The HTTP server of `finops serve`: the JSON API of the contract, health, Prometheus metrics and the
 * built page. Only POST /api/plans/{id}/approve and POST /api/jobs change anything, and they need the token.
 * Beyond loopback, reads of the API need the read token or that token (readCheck).
 */
export function createServer(options: ServerOptions): FastifyInstance {
  // Node would answer 400 to an HTTP/1.1 request without Host: the Host check below answers it (421).
  const app = Fastify({ logger: false, http: { requireHostHeader: false } });
  // Money leaves as exact number literals, as in the CLI's --json.
  app.setReplySerializer((payload) => toJson(payload, 0));
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("Content-Security-Policy", CSP);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("X-Frame-Options", "DENY");
    reply.header("Referrer-Policy", "no-referrer");
    reply.header("Cross-Origin-Opener-Policy", "same-origin");
    return payload;
  });
  // Before routing, so that no route, the page and its 404 included, answers a foreign name (DNS rebinding).
  app.addHook("onRequest", async (request, reply) => {
    if (hostAllowed(request.headers.host, options.allowedHosts)) return;
    const host = request.headers.host;
    return reply.code(421).send({
      error:
        host === undefined
          ? "misdirected request: no Host header"
          : `misdirected request: this server does not answer to Host ${JSON.stringify(host.slice(0, 100))}; add it with finops serve --allowed-hosts`,
    });
  });
  // Every route that writes needs the token, checked before the body is read: an unauthenticated caller
  // is refused (401/403) before any parsing, and learns nothing of what the route accepts (415, 400).
  app.addHook("onRequest", async (request, reply) => {
    if (READ_METHODS.has(request.method)) return;
    const denied = bearerCheck(request.headers.authorization, options.token);
    if (denied) return reply.code(denied.status).send({ error: denied.error });
  });
  // Reads of the API beyond loopback: the read token or the approver token, before anything is queried.
  const readAccess: ReadAccess = {
    ...(options.readToken ? { readToken: options.readToken } : {}),
    ...(options.token ? { approverToken: options.token } : {}),
    loopbackOnly: options.loopbackOnly ?? true,
  };
  app.addHook("onRequest", async (request, reply) => {
    if (!READ_METHODS.has(request.method)) return;
    if (!readNeedsToken(request.routeOptions.url, request.url)) return;
    const denied = readCheck(request.headers.authorization, readAccess);
    if (denied) return reply.code(denied.status).send({ error: denied.error });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    void reply
      .code(status)
      .send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });

  app.get("/healthz", async (_request, reply) => {
    const jobs: Record<string, unknown> = {};
    for (const [job, state] of options.scheduler?.status() ?? []) {
      jobs[job] = {
        running: state.running,
        // No error text: it may name files; it is in the log and in job_runs.
        lastRun: state.lastRun
          ? { status: state.lastRun.status, finishedAt: state.lastRun.finishedAt.toISOString() }
          : null,
        lastSuccess: state.lastSuccess?.toISOString() ?? null,
      };
    }
    try {
      await options.connection.run("SELECT 1");
    } catch (error) {
      // DuckDB's message may hold the database's path: it goes to the log, the answer shows no paths.
      process.stderr.write(
        `finops serve: /healthz: the database does not answer: ${(error as Error).message}\n`,
      );
      return reply.code(503).send({ status: "unavailable", error: "the database does not answer" });
    }
    return { status: "ok", jobs };
  });

  app.get("/metrics", async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply
      .header("Content-Type", options.metrics.registry.contentType)
      .serializer((s) => String(s))
      .send(text);
  });

  costRoutes(app, options.connect, options.config);
  findingRoutes(app, options.connect, options.config);
  planRoutes(app, options.connect, options.config);
  commitmentRoutes(app, options.connect, options.config, options.now ?? (() => new Date()));
  if (options.cli) {
    cliRoutes(app, options.cli);
    if (options.scheduler) jobRoutes(app, options.cli, options.scheduler);
  }

  const pageDir = options.pageDir ?? PAGE_DIR;
  if (existsSync(join(pageDir, "index.html"))) {
    void app.register(fastifyStatic, {
      root: pageDir,
      prefix: "/",
      // "/" is the route below: with preCompressed, @fastify/static 9.3 answers 404 to "/" from a client that
      // accepts an encoding when index.html has no compressed copy (it is under 1 KB, so it has none).
      index: false,
      cacheControl: false,
      // The build writes X.br and X.gz beside each text file (web/ui/vite.config.ts): sent as they are to a
      // client that accepts them, the file itself to one that does not. No compression work per request.
      preCompressed: true,
      // Vite's assets have their content's hash in their names: cached for good. The page itself is
      // asked again each time, so a new build is picked up at once. The answer depends on Accept-Encoding.
      setHeaders(res, path) {
        res.setHeader(
          "Cache-Control",
          /[\\/]assets[\\/]/.test(path) ? "public, max-age=31536000, immutable" : "no-cache",
        );
        res.setHeader("Vary", "Accept-Encoding");
      },
    });
    app.get("/", (_request, reply) => reply.sendFile("index.html"));
  }
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
  return app;
}
