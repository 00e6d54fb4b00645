import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { Decimal } from "../core/money.js";
import { type RealisedStatus, realisedSavings } from "./realised.js";

/** One action of the remediation journal, as `finops history --json` shows it. */
export interface HistoryEntry {
  planId: string;
  /** The item's index in its plan. */
  item: number;
  runId: string;
  resourceId: string;
  action: string;
  status: string;
  approvedBy: string | null;
  startedAt: string;
  finishedAt: string;
  detail: string | null;
  before: unknown;
  after: unknown;
  /** What the plan item expected the action to save a month. */
  estimatedMonthlySavings: Decimal | null;
  /**
   * What the bill shows it saved a month (remediation/realised.ts); null while pending, when not
   * measurable, and for entries that saved nothing to measure (not done, or a mark or tag).
   */
  realisedMonthlySavings: Decimal | null;
  /** null for an entry with nothing to measure. */
  realisedStatus: RealisedStatus | null;
  billedDaysBefore: number | null;
  billedDaysAfter: number | null;
}

/** Every item outcome of every apply run, oldest first, with who approved the plan the run applied. */
export async function remediationHistory(
  connection: DuckDBConnection,
  planId?: string,
): Promise<HistoryEntry[]> {
  const params: DuckDBValue[] = [];
  if (planId) params.push(planId);
  const reader = await connection.runAndReadAll(
    `WITH items AS (
       SELECT run_id, plan_id, item, min(logged_at) AS started_at, max(seq) AS last_seq,
         arg_min(before_state, seq) FILTER (WHERE before_state IS NOT NULL) AS before_state
       FROM journal ${planId ? "WHERE plan_id = $1" : ""}
       GROUP BY run_id, plan_id, item
     )
     SELECT i.plan_id, i.item, i.run_id, j.resource_id, j.action, j.status, j.detail,
       strftime(i.started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at, strftime(j.logged_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at,
       i.before_state::VARCHAR AS before_state, j.after_state::VARCHAR AS after_state, j.approved_by,
       TRY_CAST(json_extract_string(p.content, '$.items[' || i.item || '].estimatedMonthlySavings') AS DECIMAL(38,12))
         AS savings
     FROM items i JOIN journal j ON j.seq = i.last_seq
     LEFT JOIN plans p ON p.plan_id = i.plan_id
     ORDER BY i.started_at, i.plan_id, i.item`,
    params,
  );
  // Measured once per plan item (its first completion), shown on each run that completed it.
  const realised = new Map(
    (await realisedSavings(connection, planId ? { planId } : {})).map((r) => [`${r.planId}#${r.item}`, r]),
  );
  return reader.getRowObjectsJson().map((row) => {
    const status = String(row.status);
    const measured =
      status === "done" ? realised.get(`${String(row.plan_id)}#${Number(row.item)}`) : undefined;
    return {
      planId: String(row.plan_id),
      item: Number(row.item),
      runId: String(row.run_id),
      resourceId: String(row.resource_id),
      action: String(row.action),
      // The last row of an item a run did not finish is a started one: the run stopped there.
      status: status === "started" ? "interrupted" : status,
      approvedBy: row.approved_by === null ? null : String(row.approved_by),
      startedAt: String(row.started_at),
      finishedAt: String(row.finished_at),
      detail: row.detail === null ? null : String(row.detail),
      before: row.before_state === null ? null : JSON.parse(String(row.before_state)),
      after: row.after_state === null ? null : JSON.parse(String(row.after_state)),
      estimatedMonthlySavings: row.savings === null ? null : new Decimal(String(row.savings)),
      realisedMonthlySavings: measured?.realisedMonthlySavings ?? null,
      realisedStatus: measured?.realisedStatus ?? null,
      billedDaysBefore: measured?.billedDaysBefore ?? null,
      billedDaysAfter: measured?.billedDaysAfter ?? null,
    };
  });
}
