import type { DuckDBConnection } from "@duckdb/node-api";

export type JournalStatus = "started" | "done" | "skipped" | "failed";

/** The item-level rows use this step name; each AWS call has its own step name. */
export const ITEM_STEP = "item";

export interface JournalRow {
  runId: string;
  planId: string;
  approvedBy: string;
  item: number;
  step: string;
  resourceId: string;
  action: string;
  status: JournalStatus;
  detail?: string | null;
  before?: unknown;
  after?: unknown;
}

/** What earlier runs of a plan did to one item. */
export interface ItemHistory {
  /** The last item-level status (done, skipped, failed), or null when a run stopped inside the item. */
  final: JournalStatus | null;
  /** Every step's last status and the result recorded with it. */
  steps: Map<string, { status: JournalStatus; result: unknown }>;
  /** An earlier run started the item and did not finish it. */
  interrupted: boolean;
}

/** Appends one row; each is committed on its own, so that it survives a crash right after. */
export async function journal(connection: DuckDBConnection, row: JournalRow): Promise<void> {
  await connection.run(
    `INSERT INTO journal (run_id, plan_id, approved_by, item, step, resource_id, action, status, detail, before_state,
       after_state, logged_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()::TIMESTAMP)`,
    [
      row.runId,
      row.planId,
      row.approvedBy,
      row.item,
      row.step,
      row.resourceId,
      row.action,
      row.status,
      row.detail ?? null,
      row.before === undefined ? null : JSON.stringify(row.before),
      row.after === undefined ? null : JSON.stringify(row.after),
    ],
  );
}

/** Every item's history in the journal of a plan, from all earlier runs. */
export async function planHistory(
  connection: DuckDBConnection,
  planId: string,
): Promise<Map<number, ItemHistory>> {
  const reader = await connection.runAndReadAll(
    "SELECT item, step, status, after_state::VARCHAR AS result FROM journal WHERE plan_id = $1 ORDER BY seq",
    [planId],
  );
  const history = new Map<number, ItemHistory>();
  for (const row of reader.getRowObjectsJson()) {
    const item = Number(row.item);
    const entry = history.get(item) ?? { final: null, steps: new Map(), interrupted: false };
    const status = String(row.status) as JournalStatus;
    if (String(row.step) === ITEM_STEP) {
      entry.final = status === "started" ? null : status;
      entry.interrupted = status === "started";
    } else {
      entry.steps.set(String(row.step), {
        status,
        result: row.result === null ? undefined : JSON.parse(String(row.result)),
      });
    }
    history.set(item, entry);
  }
  return history;
}
