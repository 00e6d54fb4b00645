import type { DuckDBConnection } from "@duckdb/node-api";
import { alteredPlan, type Plan } from "./plan.js";

export interface Approval {
  planId: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}

/**
 * Records who approved which exact plan (its id is its content's hash), until when. The time is the
 * clock's, never a caller's: an approval dated on a later day would stay good past its hours.
 */
export async function approvePlan(
  connection: DuckDBConnection,
  plan: Plan,
  by: string,
  hours: number,
): Promise<Approval> {
  const approver = by.trim();
  if (!approver) throw new Error("an approval names who approves: the approver's name is empty");
  const altered = alteredPlan(plan);
  if (altered) throw new Error(altered);
  const approvedAt = new Date();
  const approval: Approval = {
    planId: plan.planId,
    approvedBy: approver,
    approvedAt: approvedAt.toISOString(),
    expiresAt: new Date(approvedAt.getTime() + hours * 3_600_000).toISOString(),
  };
  await connection.run(
    "INSERT INTO approvals VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP))",
    [approval.planId, approval.approvedBy, approval.approvedAt, approval.expiresAt],
  );
  return approval;
}

/** The plan's latest approval, whether or not it has expired. */
export async function latestApproval(connection: DuckDBConnection, planId: string): Promise<Approval | null> {
  const reader = await connection.runAndReadAll(
    `SELECT approved_by, strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ') AS approved_at,
       strftime(expires_at, '%Y-%m-%dT%H:%M:%SZ') AS expires_at
     FROM approvals WHERE plan_id = $1 ORDER BY approved_at DESC LIMIT 1`,
    [planId],
  );
  const row = reader.getRowObjectsJson()[0];
  return row
    ? {
        planId,
        approvedBy: String(row.approved_by),
        approvedAt: String(row.approved_at),
        expiresAt: String(row.expires_at),
      }
    : null;
}
