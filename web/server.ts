import type { DuckDBConnection } from "@duckdb/node-api";
import Fastify, { type FastifyInstance } from "fastify";
import type { Scheduler } from "../cli/scheduler.js";
import type { ServeMetrics } from "./metrics.js";

export interface ServerOptions {
  connection: DuckDBConnection;
  dbPath: string;
  scheduler?: Scheduler;
  metrics: ServeMetrics;
}

/** The HTTP server of `finops serve`: health, Prometheus metrics. Nothing here changes data. */
export function createServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("X-Frame-Options", "DENY");
    reply.header("Referrer-Policy", "no-referrer");
    return payload;
  });

  app.get("/healthz", async (_request, reply) => {
    const jobs: Record<string, unknown> = {};
    for (const [job, state] of options.scheduler?.status() ?? []) {
      jobs[job] = {
        running: state.running,
        lastRun: state.lastRun
          ? {
              status: state.lastRun.status,
              finishedAt: state.lastRun.finishedAt.toISOString(),
              error: state.lastRun.error ?? null,
            }
          : null,
        lastSuccess: state.lastSuccess?.toISOString() ?? null,
      };
    }
    try {
      await options.connection.run("SELECT 1");
    } catch (error) {
      return reply.code(503).send({ status: "unavailable", error: (error as Error).message });
    }
    return { status: "ok", database: options.dbPath, jobs };
  });

  app.get("/metrics", async (_request, reply) => {
    reply.header("Content-Type", options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
  return app;
}
