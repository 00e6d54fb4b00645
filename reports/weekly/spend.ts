import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import {
  type CostDimension,
  type CostLine,
  type CostQuery,
  costRowsFor,
  costsBy,
  LINE_ORDER,
  lineOf,
} from "../../store/costs.js";
import type { Dimension, Window } from "./model.js";
import { addDays, isoDate } from "./week.js";

/** What the report's cost figures are read with: the store and the team tag settings of rules.yaml. */
export interface SpendSource {
  connection: DuckDBConnection;
  teamKeys: string[];
  caseInsensitiveTags: boolean;
}

/** The report's dimensions and the Kubernetes ones it reads without a breakdown of their own. */
type SpendDimension = Dimension | "workload" | "node";

function costDimension(source: SpendSource, dimension: SpendDimension): CostDimension {
  return dimension === "team" ? { kind: "team", tagKeys: source.teamKeys } : { kind: dimension };
}

/**
 * One dimension's money over a window, through `costsBy` itself: the report's figures are by
 * construction the ones `finops costs --by <dimension> --from --to` prints, team logic included.
 */
export function spendBy(source: SpendSource, dimension: SpendDimension, window: Window): Promise<CostLine[]> {
  return costsBy(source.connection, {
    dimension: costDimension(source, dimension),
    from: window.from,
    to: window.to,
    caseInsensitiveTags: source.caseInsensitiveTags,
  });
}

/**
 * Each day's lines of one dimension over a run of days, in one query over the rows `costsBy` sums
 * (`costRowsFor`): each day's figures are the ones `finops costs --from DAY --to NEXT-DAY` prints, so the
 * days add up to the week exactly.
 */
export async function dailySpendBy(
  source: SpendSource,
  dimension: Dimension,
  first: Date,
  days: number,
): Promise<{ day: string; lines: CostLine[] }[]> {
  const params: DuckDBValue[] = [];
  const query: CostQuery = {
    dimension: costDimension(source, dimension),
    from: isoDate(first),
    to: isoDate(addDays(first, days)),
    caseInsensitiveTags: source.caseInsensitiveTags,
  };
  const rows = await costRowsFor(source.connection, query, (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  const reader = await source.connection.runAndReadAll(
    `SELECT strftime(day, '%Y-%m-%d') AS day, key, sum(BilledCost) AS billed, sum(EffectiveCost) AS effective
     FROM (${rows})
     GROUP BY day, key
     ORDER BY day, ${LINE_ORDER}`,
    params,
  );
  const byDay = new Map<string, CostLine[]>();
  for (const row of reader.getRowObjectsJson()) {
    const day = String(row.day);
    byDay.set(day, [...(byDay.get(day) ?? []), lineOf(query, row)]);
  }
  return Array.from({ length: days }, (_, i) => {
    const day = isoDate(addDays(first, i));
    return { day, lines: byDay.get(day) ?? [] };
  });
}
