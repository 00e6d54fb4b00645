import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import { Decimal } from "../../core/money.js";
import { aggregateOf } from "../../store/cost-aggregates.js";
import { type CostDimension, costsBy } from "../../store/costs.js";
import { IDLE_SUFFIX } from "../../store/kubernetes-costs.js";
import { billingNamesSql } from "../../store/resources.js";
import type * as Contract from "../contract.js";
import { type Connect, withConnection as withDatabase } from "./connection.js";
import { kubernetesDaily } from "./kubernetes-daily.js";
import { isoDay, parseQuery } from "./params.js";
import type { Sendable } from "./wire.js";

const dimension = z
  .string()
  .regex(
    /^(service|account|region|team|resource|cluster|namespace|tag:.+)$/,
    "one of service, account, region, team, tag:KEY, resource, cluster, namespace",
  );
const range = { from: isoDay.optional(), to: isoDay.optional() };

/** What `finops costs --json` adds to a line of a Kubernetes dimension: is it a cluster's idle capacity. */
const idleOf = (by: string, key: string | null) =>
  aggregateOf(by)?.kubernetes ? { idle: key?.endsWith(IDLE_SUFFIX) ?? false } : {};

const DAY_MS = 86_400_000;
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Sums of effective (and billed) cost by key over [from, to), from the daily aggregates. */
async function sums(
  connection: DuckDBConnection,
  by: string,
  from: string | undefined,
  to: string | undefined,
): Promise<
  { key: string | null; billed: number; effective: number; billedExact: Decimal; effectiveExact: Decimal }[]
> {
  const aggregate = aggregateOf(by);
  if (!aggregate) throw new Error(`no aggregate for ${by}`);
  const params: DuckDBValue[] = [];
  const filters: string[] = [];
  if (from) {
    params.push(from);
    filters.push(`day >= CAST($${params.length} AS DATE)`);
  }
  if (to) {
    params.push(to);
    filters.push(`day < CAST($${params.length} AS DATE)`);
  }
  const reader = await connection.runAndReadAll(
    `SELECT ${aggregate.key} AS key, sum(billed)::VARCHAR AS billed, sum(effective)::VARCHAR AS effective
     FROM ${aggregate.table} ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}
     GROUP BY 1 ORDER BY sum(effective) DESC NULLS LAST, sum(billed) DESC NULLS LAST, key NULLS LAST`,
    params,
  );
  return reader.getRowObjectsJson().map((r) => ({
    key: r.key === null ? null : String(r.key),
    billed: Number(r.billed),
    effective: Number(r.effective),
    billedExact: new Decimal(String(r.billed ?? "0")),
    effectiveExact: new Decimal(String(r.effective ?? "0")),
  }));
}

export function costRoutes(app: FastifyInstance, connect: Connect, config: Config): void {
  const withConnection = <T>(body: (c: DuckDBConnection) => Promise<T>) => withDatabase(connect, body);

  app.get("/api/range", async () =>
    withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        "SELECT min(day)::VARCHAR AS first, max(day)::VARCHAR AS last FROM cost_daily",
      );
      const row = reader.getRowObjectsJson()[0];
      return {
        first: row?.first == null ? null : String(row.first),
        last: row?.last == null ? null : String(row.last),
      } satisfies Sendable<Contract.BillingRange>;
    }),
  );

  // The contract's costs: the same objects as `finops costs --json`.
  app.get("/api/costs", async (request, reply) => {
    const query = parseQuery(
      z.strictObject({ by: dimension.default("service"), ...range }),
      request.query,
      reply,
    );
    if (!query) return reply;
    return withConnection(async (c) => {
      if (aggregateOf(query.by)) {
        const lines = await sums(c, query.by, query.from, query.to);
        return lines.map(
          (l) =>
            ({
              key: l.key,
              billedCost: l.billedExact,
              effectiveCost: l.effectiveExact,
              ...idleOf(query.by, l.key),
            }) satisfies Sendable<Contract.CostLine>,
        );
      }
      const tagKey = query.by.slice("tag:".length);
      const dim: CostDimension = { kind: "tag", tagKeys: [tagKey] };
      const lines = await costsBy(c, {
        dimension: dim,
        caseInsensitiveTags: config.tags.caseInsensitive,
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      });
      return lines.map(
        (l) =>
          ({
            key: l.key,
            billedCost: Number(l.billedCost.text),
            effectiveCost: Number(l.effectiveCost.text),
          }) satisfies Sendable<Contract.CostLine>,
      );
    });
  });

  // Spend per day of the top keys (the rest as "Other"), for the stacked chart.
  app.get("/api/costs/daily", async (request, reply) => {
    const query = parseQuery(
      z.strictObject({
        by: z.enum(["service", "account", "region", "team", "cluster", "namespace"]).default("service"),
        from: isoDay,
        to: isoDay,
        top: z.coerce.number().int().min(1).max(20).default(8),
      }),
      request.query,
      reply,
    );
    if (!query) return reply;
    const start = Date.parse(`${query.from}T00:00:00Z`);
    const end = Date.parse(`${query.to}T00:00:00Z`);
    if (end <= start || end - start > 731 * DAY_MS) {
      return reply.code(400).send({ error: "to: must be after from, and at most two years later" });
    }
    const aggregate = aggregateOf(query.by);
    if (!aggregate) return reply.code(400).send({ error: `by: ${query.by}` });
    const days: string[] = [];
    for (let ms = start; ms < end; ms += DAY_MS) days.push(dayString(ms));
    return withConnection(async (c) => {
      if (aggregate.kubernetes) {
        const window = { from: query.from, to: query.to, top: query.top, days };
        const { series, total, split } = await kubernetesDaily(c, aggregate, window);
        return { by: query.by, days, series, total, split } satisfies Sendable<Contract.DailyCosts>;
      }
      const reader = await c.runAndReadAll(
        `WITH rows AS (
           SELECT day, coalesce(${aggregate.key}, $4) AS key, sum(effective)::DOUBLE AS effective
           FROM ${aggregate.table} WHERE day >= CAST($1 AS DATE) AND day < CAST($2 AS DATE) GROUP BY 1, 2
         ),
         top AS (SELECT key FROM rows GROUP BY key ORDER BY sum(effective) DESC, key LIMIT $3)
         SELECT day::VARCHAR AS day, CASE WHEN key IN (SELECT key FROM top) THEN key ELSE 'Other' END AS key,
           sum(effective) AS effective
         FROM rows GROUP BY 1, 2`,
        // Spend without a team tag is named as every face names it (tags.noTeamLabel).
        [query.from, query.to, query.top, query.by === "team" ? config.tags.noTeamLabel : "(none)"],
      );
      const index = new Map(days.map((d, i) => [d, i]));
      const series = new Map<string, number[]>();
      const total = days.map(() => 0);
      for (const row of reader.getRowObjectsJson()) {
        const key = String(row.key);
        const i = index.get(String(row.day));
        if (i === undefined) continue;
        const values = series.get(key) ?? days.map(() => 0);
        values[i] = (values[i] ?? 0) + Number(row.effective);
        total[i] = (total[i] ?? 0) + Number(row.effective);
        series.set(key, values);
      }
      const ordered = [...series.entries()]
        .map(([key, values]) => ({ key, values, sum: values.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => (a.key === "Other" ? 1 : b.key === "Other" ? -1 : b.sum - a.sum))
        .map(({ key, values }) => ({ key, values }));
      return { by: query.by, days, series: ordered, total } satisfies Sendable<Contract.DailyCosts>;
    });
  });

  // The biggest spenders of a window and their change against the window before.
  app.get("/api/hotspots", async (request, reply) => {
    const query = parseQuery(
      z.strictObject({
        by: z
          .enum(["service", "account", "region", "team", "resource", "cluster", "namespace"])
          .default("service"),
        to: isoDay,
        days: z.coerce.number().int().min(1).max(92).default(7),
        limit: z.coerce.number().int().min(1).max(100).default(10),
      }),
      request.query,
      reply,
    );
    if (!query) return reply;
    const end = Date.parse(`${query.to}T00:00:00Z`);
    const from = dayString(end - query.days * DAY_MS);
    const before = dayString(end - 2 * query.days * DAY_MS);
    return withConnection(async (c) => {
      const [current, previous] = await Promise.all([
        sums(c, query.by, from, query.to),
        sums(c, query.by, before, from),
      ]);
      const prior = new Map(previous.map((p) => [p.key, p.effective]));
      return current.slice(0, query.limit).map((line) => {
        const was = prior.get(line.key) ?? 0;
        return {
          key: line.key,
          current: line.effective,
          previous: was,
          change: line.effective - was,
          changePercent: was === 0 ? null : ((line.effective - was) / Math.abs(was)) * 100,
          ...idleOf(query.by, line.key),
        } satisfies Sendable<Contract.Hotspot>;
      });
    });
  });

  // How much of the spend a team answers for (the team tag keys of rules.yaml).
  app.get("/api/coverage", async (request, reply) => {
    const query = parseQuery(z.strictObject(range), request.query, reply);
    if (!query) return reply;
    return withConnection(async (c) => {
      const lines = await sums(c, "team", query.from, query.to);
      const total = lines.reduce((sum, l) => sum + l.effective, 0);
      const unallocated = lines.filter((l) => l.key === null).reduce((sum, l) => sum + l.effective, 0);
      return {
        total,
        allocated: total - unallocated,
        unallocated,
        share: total === 0 ? null : (total - unallocated) / total,
      } satisfies Sendable<Contract.Coverage>;
    });
  });

  app.get<{ Params: { id: string } }>("/api/resources/:id/costs", async (request, reply) => {
    const query = parseQuery(
      z.strictObject({ days: z.coerce.number().int().min(1).max(731).default(90) }),
      request.query,
      reply,
    );
    if (!query) return reply;
    return withConnection(async (c) => {
      const lastRow = await c.runAndReadAll("SELECT max(day)::VARCHAR AS d FROM cost_daily");
      const last = lastRow.getRowObjectsJson()[0]?.d;
      if (!last)
        return {
          resourceId: request.params.id,
          days: [],
          values: [],
        } satisfies Sendable<Contract.ResourceCosts>;
      const reader = await c.runAndReadAll(
        // Billing names a resource by its id or its ARN: the one match of store/resources.ts.
        `SELECT day::VARCHAR AS day, sum(effective)::DOUBLE AS effective FROM cost_daily_resource
         WHERE resource_id IN (${billingNamesSql("$1")}) AND day > CAST($2 AS DATE) - CAST($3 AS INTEGER) GROUP BY 1 ORDER BY 1`,
        [request.params.id, String(last), query.days],
      );
      const end = Date.parse(`${String(last)}T00:00:00Z`);
      const days: string[] = [];
      for (let i = query.days - 1; i >= 0; i--) days.push(dayString(end - i * DAY_MS));
      const byDay = new Map(reader.getRowObjectsJson().map((r) => [String(r.day), Number(r.effective)]));
      return {
        resourceId: request.params.id,
        days,
        values: days.map((d) => byDay.get(d) ?? 0),
      } satisfies Sendable<Contract.ResourceCosts>;
    });
  });
}
