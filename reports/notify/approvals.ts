import type { DuckDBConnection } from "@duckdb/node-api";
import type { Channel, Config } from "../../config/schema.js";
import { Decimal, sumDecimals } from "../../core/money.js";
import type { PlanContent } from "../../remediation/plan.js";
import { UNOWNED } from "../../store/known-values.js";
import { channelLabel } from "./channels/index.js";
import type { Message } from "./message.js";
import { money } from "./money.js";
import { loadTold, toldKey } from "./pending.js";

/** The "team" of plan announcements, in the journal and notified_findings (plan ids never clash with finding ids). */
export const APPROVERS = "approvers";

export interface WaitingPlan {
  planId: string;
  createdAt: string;
  items: number;
  /** Items that only tag a resource (the grace-period mark) or take a mark off. */
  marks: number;
  teams: string[];
  /** What the plan's actions save once applied (its marks save nothing yet). */
  estimatedMonthlySavings: string;
}

/**
 * Plans a person has to approve: with items for rules of `approval: manual`, without an unexpired
 * approval, never applied. A plan's content never changes (its id is its hash), so each is announced
 * once on each channel; a plan whose approval expired unapplied is not announced again.
 */
async function waitingPlans(connection: DuckDBConnection, now: Date): Promise<WaitingPlan[]> {
  const reader = await connection.runAndReadAll(
    `SELECT plan_id, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, content::VARCHAR AS content
     FROM plans p
     WHERE items > 0
       AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.plan_id = p.plan_id AND a.expires_at > CAST($1 AS TIMESTAMP))
       AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.plan_id = p.plan_id)
     ORDER BY created_at, plan_id`,
    [now.toISOString()],
  );
  const plans: WaitingPlan[] = [];
  for (const row of reader.getRowObjectsJson()) {
    const { items } = JSON.parse(String(row.content)) as PlanContent;
    // A plan of approval: auto rules is approved by the scheduled cleanup itself (or was a dry run).
    if (!items.some((i) => i.approval === "manual")) continue;
    const acting = items.filter((i) => i.action !== "mark" && i.action !== "unmark");
    plans.push({
      planId: String(row.plan_id),
      createdAt: String(row.created_at),
      items: items.length,
      marks: items.length - acting.length,
      teams: [...new Set(items.map((i) => i.team))].sort(),
      estimatedMonthlySavings: sumDecimals(acting.map((i) => i.estimatedMonthlySavings ?? "0")),
    });
  }
  return plans;
}

export interface PendingAnnouncement {
  channel: Channel;
  where: string;
  label: string;
  plans: WaitingPlan[];
}

/** For each notify.approvers channel, the waiting plans it has not announced. */
export async function pendingApprovals(
  connection: DuckDBConnection,
  config: Config,
  now: Date,
): Promise<PendingAnnouncement[]> {
  if (!config.notify.approvers.length) return [];
  const plans = await waitingPlans(connection, now);
  if (!plans.length) return [];
  const told = await loadTold(connection);
  return config.notify.approvers
    .map((channel, i) => {
      const label = channelLabel(channel);
      const fresh = plans.filter((p) => !told.has(toldKey(APPROVERS, label, p.planId)));
      return { channel, where: `notify.approvers[${i}]`, label, plans: fresh };
    })
    .filter((a) => a.plans.length > 0);
}

/** One message listing each waiting plan: its size, its savings, the command that approves it. */
export function approvalsMessage(
  plans: WaitingPlan[],
  options: { currency: string | null; approvalHours: number; now: Date; noTeamLabel: string },
): Message {
  const fmt = (amount: string) => money(amount, options.currency);
  // The stored "unowned" as people read it (tags.noTeamLabel); the JSON document keeps the stored value.
  const teams = (p: WaitingPlan) => p.teams.map((t) => (t === UNOWNED ? options.noTeamLabel : t)).join(", ");
  const total = sumDecimals(plans.map((p) => p.estimatedMonthlySavings));
  const subject = `finops: ${plans.length} plan${plans.length === 1 ? "" : "s"} waiting for approval, ${fmt(total)}/month of savings`;
  return {
    kind: "approvals",
    team: APPROVERS,
    subject,
    summary: [
      `${plans.length === 1 ? "A remediation plan waits" : `${plans.length} remediation plans wait`} for approval: ${fmt(total)}/month of estimated savings once applied.`,
    ],
    sections: [
      {
        title: "Plans",
        lines: plans.map(
          (p) =>
            `\`${p.planId}\` (planned ${p.createdAt}): ${p.items} item${p.items === 1 ? "" : "s"}` +
            `${p.marks ? ` (${p.marks} grace-period mark${p.marks === 1 ? "" : "s"})` : ""}, ` +
            `${fmt(p.estimatedMonthlySavings)}/month, teams ${teams(p)}. Approve: \`finops approve ${p.planId} --by NAME\``,
        ),
      },
    ],
    footer: [
      `An approval binds to the plan's exact content and lasts ${options.approvalHours} hours; then \`finops apply PLAN_ID\` acts on it.`,
    ],
    count: plans.length,
    monthlyWaste: total,
    document: {
      kind: "approvals",
      team: APPROVERS,
      subject,
      generatedAt: options.now.toISOString(),
      currency: options.currency,
      plans: plans.map((p) => ({
        ...p,
        estimatedMonthlySavings: new Decimal(p.estimatedMonthlySavings),
        approveCommand: `finops approve ${p.planId} --by NAME`,
      })),
      monthlyWaste: new Decimal(total),
    },
  };
}
