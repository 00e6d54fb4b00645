/**
 * The web benchmark's baseline: the overview's figures summed straight from the billing rows without
 * aggregates, in the benchmark's process (openStore, costsBy of store/costs.ts, and the daily chart's
 * GROUP BY over billing_costs), and the check that the API's answers give the same figures.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type CostDimension, costsBy } from "../store/costs.js";
import { openStore } from "../store/database.js";
import { round } from "./figures.js";
import { progressOf } from "./options.js";
import { addDays, HOTSPOT_DAYS, RANGE_DAYS, stats, TOP } from "./web-load.js";

const progress = progressOf("web");

interface BaselineQuery {
  name: string;
  /** The API route that answers the same question from the aggregates. */
  comparableRoute: string;
  description: string;
  run(connection: DuckDBConnection): Promise<unknown>;
}

export function baselineQueries(
  range: { first: string; last: string },
  team: { teamKeys: string[]; caseInsensitive: boolean },
): BaselineQuery[] {
  const to = addDays(range.last, 1);
  const from = addDays(to, -RANGE_DAYS);
  const weekFrom = addDays(to, -HOTSPOT_DAYS);
  const weekBefore = addDays(to, -2 * HOTSPOT_DAYS);
  const sums = (dimension: CostDimension, window: { from: string; to: string }) => (c: DuckDBConnection) =>
    costsBy(c, { dimension, caseInsensitiveTags: team.caseInsensitive, ...window });
  const teamDimension: CostDimension = { kind: "team", tagKeys: team.teamKeys };
  return [
    {
      name: "service-30d",
      comparableRoute: "costs-service-30d",
      description: `costsBy service, ${from} to ${to}`,
      run: sums({ kind: "service" }, { from, to }),
    },
    {
      name: "team-30d",
      comparableRoute: "coverage-30d",
      description: `costsBy team (tag keys ${team.teamKeys.join(", ")}), ${from} to ${to}`,
      run: sums(teamDimension, { from, to }),
    },
    {
      name: "account-30d",
      comparableRoute: "daily-account-30d",
      description: `costsBy account, ${from} to ${to} (the API's route adds the day to the grouping)`,
      run: sums({ kind: "account" }, { from, to }),
    },
    {
      name: "resource-7d-and-prior-7d",
      comparableRoute: "hotspots-resource",
      description: `costsBy resource, ${weekFrom} to ${to} then ${weekBefore} to ${weekFrom}`,
      run: async (c) => {
        await sums({ kind: "resource" }, { from: weekFrom, to })(c);
        return sums({ kind: "resource" }, { from: weekBefore, to: weekFrom })(c);
      },
    },
    {
      name: "daily-service-30d",
      comparableRoute: "daily-service-30d",
      description: `the daily chart's query (top ${TOP} services by day, the rest as Other) over billing_costs, ${from} to ${to}`,
      run: async (c) =>
        (
          await c.runAndReadAll(
            `WITH rows AS (
               SELECT CAST(ChargePeriodStart AS DATE) AS day, coalesce(ServiceName, '(none)') AS key,
                 sum(EffectiveCost)::DOUBLE AS effective
               FROM billing_costs
               WHERE ChargePeriodStart >= CAST($1 AS TIMESTAMP) AND ChargePeriodStart < CAST($2 AS TIMESTAMP)
               GROUP BY 1, 2
             ),
             top AS (SELECT key FROM rows GROUP BY key ORDER BY sum(effective) DESC, key LIMIT $3)
             SELECT day::VARCHAR AS day, CASE WHEN key IN (SELECT key FROM top) THEN key ELSE 'Other' END AS key,
               sum(effective) AS effective
             FROM rows GROUP BY 1, 2`,
            [from, to, TOP],
          )
        ).getRowObjectsJson(),
    },
  ];
}

export async function runBaseline(db: string, queries: BaselineQuery[], repetitions: number) {
  const store = await openStore(db);
  try {
    const results = [];
    for (const query of queries) {
      await query.run(store.connection); // warm-up
      const times: number[] = [];
      for (let i = 0; i < repetitions; i++) {
        const started = performance.now();
        await query.run(store.connection);
        times.push(performance.now() - started);
      }
      const figures = stats(times);
      progress(`baseline ${query.name}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms`);
      results.push({
        query: query.name,
        comparableRoute: query.comparableRoute,
        description: query.description,
        ...figures,
      });
    }
    // The figures the API's answers are checked against.
    const check = {
      service: await queries[0]?.run(store.connection),
      team: await queries[1]?.run(store.connection),
    };
    return { results, check };
  } finally {
    store.close();
  }
}

/**
 * The API's 30-day service costs and team coverage against costsBy's sums of the same window: the
 * aggregates must give the same figures (compared to a millionth, as the API's coverage is a DOUBLE).
 */
export function checkFigures(bodies: Map<string, string>, baseline: { service: unknown; team: unknown }) {
  const total = (lines: unknown) =>
    (lines as { effectiveCost: { toNumber(): number } }[]).reduce(
      (s, l) => s + l.effectiveCost.toNumber(),
      0,
    );
  const apiCosts = JSON.parse(bodies.get("costs-service-30d") ?? "[]") as { effectiveCost: number }[];
  const apiServiceTotal = apiCosts.reduce((s, l) => s + Number(l.effectiveCost), 0);
  const apiCoverage = JSON.parse(bodies.get("coverage-30d") ?? "{}") as { total?: number };
  const baselineService = total(baseline.service);
  const baselineTeam = total(baseline.team);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  return {
    service30d: {
      apiEffective: round(apiServiceTotal, 4),
      baselineEffective: round(baselineService, 4),
      keys: { api: apiCosts.length, baseline: (baseline.service as unknown[]).length },
      same:
        close(apiServiceTotal, baselineService) && apiCosts.length === (baseline.service as unknown[]).length,
    },
    coverage30d: {
      apiTotal: round(apiCoverage.total ?? Number.NaN, 4),
      baselineTeamTotal: round(baselineTeam, 4),
      same: close(apiCoverage.total ?? Number.NaN, baselineTeam),
    },
  };
}
