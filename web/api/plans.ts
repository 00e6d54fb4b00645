import type { DuckDBConnection } from "@duckdb/node-api";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import {
  approvePlan,
  latestApproval,
  type Approval as RecordedApproval,
} from "../../remediation/approvals.js";
import type { Observed } from "../../remediation/executor.js";
import { type HistoryEntry, remediationHistory } from "../../remediation/history.js";
import { alteredPlan, listPlans, loadPlan } from "../../remediation/plan.js";
import type * as Contract from "../contract.js";
import { type Connect, withConnection as withDatabase } from "./connection.js";
import { parseQuery } from "./params.js";
import type { Holds, Same, Sendable, Wire } from "./wire.js";

// Sent as remediation/ keeps them (the objects of `finops history --json` among them).
export type HistoryIsTheContract = Holds<Same<Wire<HistoryEntry>, Contract.HistoryEntry>>;
export type PreconditionsAreTheContract = Holds<Same<Wire<Observed>, Contract.Preconditions>>;
export type ApprovalIsTheContract = Holds<Same<Wire<RecordedApproval>, Contract.ApprovalResult>>;

const planId = z.string().regex(/^plan-[0-9a-f]{24}$/, "a plan id like plan-0123456789abcdef01234567");

export function planRoutes(app: FastifyInstance, connect: Connect, config: Config): void {
  const withConnection = <T>(body: (c: DuckDBConnection) => Promise<T>) => withDatabase(connect, body);
  const approvalOf = async (c: DuckDBConnection, id: string) => {
    const approval = await latestApproval(c, id);
    return approval
      ? ({
          ...approval,
          valid: Date.parse(approval.expiresAt) > Date.now(),
        } satisfies Sendable<Contract.Approval>)
      : null;
  };

  app.get("/api/plans", async () =>
    withConnection(async (c) => {
      const plans = await listPlans(c);
      const results = await c.runAndReadAll(
        `SELECT plan_id, count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'skipped') AS skipped,
           count(*) FILTER (WHERE status = 'failed') AS failed
         FROM journal WHERE step = 'item' AND status <> 'started' GROUP BY plan_id`,
      );
      const byPlan = new Map(results.getRowObjectsJson().map((r) => [String(r.plan_id), r]));
      return Promise.all(
        plans.map(async (p) => {
          const plan = await loadPlan(c, p.planId);
          const r = byPlan.get(p.planId);
          return {
            planId: p.planId,
            createdAt: p.createdAt,
            items: p.items,
            savings: (plan?.content.items ?? []).reduce(
              (sum, i) => sum + Number(i.estimatedMonthlySavings ?? 0),
              0,
            ),
            approval: await approvalOf(c, p.planId),
            results: {
              done: Number(r?.done ?? 0),
              skipped: Number(r?.skipped ?? 0),
              failed: Number(r?.failed ?? 0),
            },
          } satisfies Sendable<Contract.PlanSummary>;
        }),
      );
    }),
  );

  app.get<{ Params: { planId: string } }>("/api/plans/:planId", async (request, reply) => {
    const params = parseQuery(z.strictObject({ planId }), request.params, reply);
    if (!params) return reply;
    return withConnection(async (c) => {
      const plan = await loadPlan(c, params.planId);
      if (!plan) return reply.code(404).send({ error: `no plan ${params.planId}` });
      return {
        planId: plan.planId,
        createdAt: plan.createdAt,
        evaluatedAt: plan.evaluatedAt,
        dryRun: true,
        altered: alteredPlan(plan),
        items: plan.content.items.map((i) => ({
          resourceId: i.resourceId,
          resourceType: i.resourceType,
          action: i.action,
          rule: i.rule,
          reason: i.reason,
          estimatedMonthlySavings:
            i.estimatedMonthlySavings === null ? null : Number(i.estimatedMonthlySavings),
          account: i.account,
          region: i.region,
          team: i.team,
          approval: i.approval,
          markValue: i.markValue,
          preconditions: i.preconditions,
        })),
        approval: await approvalOf(c, plan.planId),
        history: await remediationHistory(c, plan.planId),
      } satisfies Sendable<Contract.Plan>;
    });
  });

  // The only route that changes anything: the server's onRequest hook checked its token already.
  app.post<{ Params: { planId: string } }>("/api/plans/:planId/approve", async (request, reply) => {
    const params = parseQuery(z.strictObject({ planId }), request.params, reply);
    if (!params) return reply;
    const body = parseQuery(
      z.strictObject({ by: z.string().trim().min(1).max(200) }),
      request.body ?? {},
      reply,
    );
    if (!body) return reply;
    return withConnection(async (c) => {
      const plan = await loadPlan(c, params.planId);
      if (!plan) return reply.code(404).send({ error: `no plan ${params.planId}` });
      const altered = alteredPlan(plan);
      if (altered) return reply.code(409).send({ error: altered });
      return approvePlan(c, plan, body.by, config.remediation.approvalHours);
    });
  });
}
