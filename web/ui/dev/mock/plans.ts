import type { IncomingMessage } from "node:http";
import type { Approval, Finding, HistoryEntry, Plan, PlanItem, PlanSummary } from "../../../contract";
import { DAY_MS, day, sum } from "./estate.ts";
import type { MockRoute, Reply } from "./route.ts";

const TOKEN = "dev-token";

/** Three plans over the actionable findings: awaiting approval, approved, and applied once. */
export function buildPlans(findings: Finding[]): Plan[] {
  const actionable = findings.filter((f) => f.status === "open" && f.action !== "notify" && !f.protected);
  const items = (list: Finding[]) =>
    list.map(
      (f, i): PlanItem => ({
        resourceId: f.resourceId,
        resourceType: f.resourceType,
        action: i % 9 === 0 ? "mark" : f.action,
        rule: f.rule,
        reason: f.reason,
        estimatedMonthlySavings: f.estimatedMonthlySavings,
        account: f.account,
        region: f.region,
        team: f.team,
        approval: f.severity === "low" ? "auto" : "manual",
        markValue: i % 9 === 0 ? `finops:cleanup@${day(14)}` : null,
        preconditions: {
          state:
            f.resourceType === "ec2:instance"
              ? "stopped"
              : f.resourceType === "ec2:volume"
                ? "available"
                : null,
          attachments: [],
          tags: f.team !== "unowned" ? { team: f.team, env: i % 2 ? "prod" : "staging" } : {},
        },
      }),
    );
  const now = Date.now();
  const plan = (
    planId: string,
    createdDaysAgo: number,
    list: Finding[],
    approval: Omit<Approval, "planId"> | null,
    history: HistoryEntry[],
  ): Plan => ({
    planId,
    createdAt: new Date(now - createdDaysAgo * DAY_MS).toISOString(),
    evaluatedAt: new Date(now - createdDaysAgo * DAY_MS + 40_000).toISOString(),
    dryRun: true,
    altered: null,
    items: items(list),
    approval: approval && { planId, ...approval },
    history,
  });
  const applied = actionable.slice(200, 206);
  return [
    plan("plan-3af42a6beb138b89235e24b0", 0.05, actionable.slice(0, 148), null, []),
    plan(
      "plan-91c07d2e55f0a4d1b6e8c3a7",
      1.2,
      actionable.slice(150, 174),
      {
        approvedBy: "maria.lopez",
        approvedAt: new Date(now - 1.1 * DAY_MS).toISOString(),
        expiresAt: new Date(now + 5.9 * DAY_MS).toISOString(),
        valid: true,
      },
      [],
    ),
    plan(
      "plan-0d5b8e1f7a3c9246e1b0f8d4",
      12,
      applied,
      {
        approvedBy: "sam.okafor",
        approvedAt: new Date(now - 11.8 * DAY_MS).toISOString(),
        expiresAt: new Date(now - 4.8 * DAY_MS).toISOString(),
        valid: false,
      },
      applied.map((f, i) => ({
        planId: "plan-0d5b8e1f7a3c9246e1b0f8d4",
        item: i,
        runId: "run-20261110-0600",
        resourceId: f.resourceId,
        action: f.action,
        status: i === 4 ? "skipped" : i === 5 ? "failed" : "done",
        approvedBy: "sam.okafor",
        startedAt: new Date(now - 11.5 * DAY_MS + i * 4000).toISOString(),
        finishedAt: new Date(now - 11.5 * DAY_MS + i * 4000 + 2500).toISOString(),
        detail:
          i === 4
            ? "skipped: tags changed since the plan (team: search → data)"
            : i === 5
              ? "InvalidVolume.NotFound: the volume does not exist"
              : f.action === "snapshot-and-delete"
                ? `snapshot snap-0${i}4a1c7e2 taken, volume deleted`
                : "done",
        before: null,
        after: null,
        estimatedMonthlySavings: f.estimatedMonthlySavings,
        realisedMonthlySavings: null,
        realisedStatus: i < 4 ? "pending" : null,
        billedDaysBefore: null,
        billedDaysAfter: null,
      })),
    ),
  ];
}

/** /api/plans and /api/plans/{planId}, with the approvals given since the server started. */
export function planRoutes(plans: Plan[], approvals: Map<string, Approval>): MockRoute[] {
  return [
    [
      /^\/api\/plans$/,
      () => [
        200,
        plans.map((p) => {
          const approval = approvals.get(p.planId) ?? p.approval;
          const statuses = p.history.map((h) => h.status);
          return {
            planId: p.planId,
            createdAt: p.createdAt,
            items: p.items.length,
            savings: sum(p.items.map((i) => i.estimatedMonthlySavings ?? 0)),
            approval,
            results: {
              done: statuses.filter((s) => s === "done").length,
              skipped: statuses.filter((s) => s === "skipped").length,
              failed: statuses.filter((s) => s === "failed").length,
            },
          } satisfies PlanSummary;
        }),
      ],
    ],
    [
      /^\/api\/plans\/([^/]+)$/,
      (m) => {
        const plan = plans.find((p) => p.planId === decodeURIComponent(m[1] ?? ""));
        if (!plan) return [404, { error: `no plan ${m[1]}` }];
        return [200, { ...plan, approval: approvals.get(plan.planId) ?? plan.approval } satisfies Plan];
      },
    ],
  ];
}

/** POST /api/plans/{planId}/approve: the token is dev-token. */
export function approve(
  req: IncomingMessage,
  planIdText: string,
  plans: Plan[],
  approvals: Map<string, Approval>,
  reply: Reply,
): void {
  if (req.method !== "POST") {
    reply(405, { error: "use POST" });
    return;
  }
  let raw = "";
  req.on("data", (chunk: Buffer) => {
    raw += chunk.toString("utf8");
  });
  req.on("end", () => {
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || auth.length <= 7) {
      return reply(401, { error: "an approval needs Authorization: Bearer <FINOPS_WEB_TOKEN>" });
    }
    if (auth.slice(7) !== TOKEN) return reply(403, { error: "the token does not match FINOPS_WEB_TOKEN" });
    const planId = decodeURIComponent(planIdText);
    if (!plans.some((p) => p.planId === planId)) return reply(404, { error: `no plan ${planId}` });
    let by = "";
    try {
      by = String((JSON.parse(raw) as { by?: unknown }).by ?? "").trim();
    } catch {
      return reply(400, { error: "the body must be JSON: { by }" });
    }
    if (!by) return reply(400, { error: "by: who approves is required" });
    const approvedAt = new Date();
    const approval: Approval = {
      planId,
      approvedBy: by,
      approvedAt: approvedAt.toISOString(),
      expiresAt: new Date(approvedAt.getTime() + 7 * DAY_MS).toISOString(),
      valid: true,
    };
    approvals.set(planId, approval);
    reply(200, {
      planId,
      approvedBy: by,
      approvedAt: approval.approvedAt,
      expiresAt: approval.expiresAt,
    });
  });
}
