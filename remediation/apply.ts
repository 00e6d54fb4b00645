import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AwsOptions } from "../aws/clients.js";
import { awsErrorCode } from "../aws/errors.js";
import type { Config } from "../config/schema.js";
import { latestApproval } from "./approvals.js";
import { backupPolicy } from "./backup.js";
import {
  changedSince,
  type Executor,
  type ExecutorScope,
  type Observed,
  type PlanTarget,
  type Step,
} from "./executor.js";
import { EXECUTORS } from "./executors/index.js";
import { ITEM_STEP, type ItemHistory, journal, planHistory } from "./journal.js";
import { acquireLock, releaseLock } from "./lock.js";
import { alteredPlan, type Plan, type PlanItem, planTarget } from "./plan.js";
import { Scopes } from "./scopes.js";
import { parseMark } from "./select.js";
import { sparedBy } from "./spared.js";

export interface ApplyResult {
  resourceId: string;
  action: string;
  status: "done" | "skipped" | "failed";
  detail: string;
}

/** Why apply refuses a plan as a whole (exit 1): nothing was touched. */
export class PlanRefused extends Error {}

export const APPLY_LOCK = "apply";

/**
 * Whether the plan may be applied now: intact, approved, approval unexpired by the clock (never a
 * caller's instant: one in the past would revive an expired approval). Throws PlanRefused.
 */
export async function checkApplicable(connection: DuckDBConnection, plan: Plan): Promise<string> {
  const altered = alteredPlan(plan);
  if (altered) throw new PlanRefused(altered);
  const approval = await latestApproval(connection, plan.planId);
  if (!approval) {
    throw new PlanRefused(`plan ${plan.planId} is not approved: finops approve ${plan.planId} --by NAME`);
  }
  if (Date.parse(approval.expiresAt) <= Date.now()) {
    throw new PlanRefused(
      `the approval of plan ${plan.planId} by ${approval.approvedBy} expired at ${approval.expiresAt}: approve it again, or make a new plan`,
    );
  }
  return approval.approvedBy;
}

/** Why the plan's approval no longer holds (expired by the clock, or gone), or null while it does. */
async function approvalLapsed(connection: DuckDBConnection, plan: Plan): Promise<string | null> {
  try {
    await checkApplicable(connection, plan);
    return null;
  } catch (error) {
    if (error instanceof PlanRefused) return error.message;
    throw error;
  }
}

/** The population a rule's cap counts: the rule's items of one resource type (the expired rule spans several). */
const capKey = (item: PlanItem) => `${item.rule}|${item.resourceType}`;

/**
 * How many items of each rule and resource type one run may act on: a share of that type's current
 * inventory in the accounts the rule's items of that type are in.
 */
async function perRuleCaps(
  connection: DuckDBConnection,
  plan: Plan,
  percent: number,
): Promise<Map<string, number>> {
  const caps = new Map<string, number>();
  const populations = new Map<string, { type: string; accounts: Set<string> }>();
  for (const item of plan.content.items) {
    const entry = populations.get(capKey(item)) ?? { type: item.resourceType, accounts: new Set() };
    entry.accounts.add(item.account);
    populations.set(capKey(item), entry);
  }
  for (const [key, { type, accounts }] of populations) {
    const reader = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM resources_current WHERE resource_type = $1 AND list_contains($2::VARCHAR[], account)`,
      [type, `[${[...accounts].map((a) => `"${a}"`).join(",")}]`],
    );
    const population = Number(reader.getRowObjectsJson()[0]?.n ?? 0);
    caps.set(key, Math.max(1, Math.floor((population * percent) / 100)));
  }
  return caps;
}

/**
 * Applies an approved plan: every item is described again and skipped, with the reason, if anything
 * changed since the plan (state, attachments, tags) or it now carries the protect or exemption tag; each
 * AWS call sits between two journal rows, so that a crash resumes without acting twice; one apply at a
 * time (a lock); at most maxActions actions per run and a share of each rule's resources.
 */
export async function applyPlan(
  connection: DuckDBConnection,
  config: Config,
  aws: AwsOptions,
  plan: Plan,
  options: { maxActions: number },
): Promise<ApplyResult[]> {
  const approvedBy = await checkApplicable(connection, plan);
  const runId = `apply-${randomUUID().slice(0, 8)}`;
  const held = await acquireLock(connection, APPLY_LOCK, runId);
  if (held) throw new PlanRefused(`another apply is running: ${held}`);
  const scopes = new Scopes(config, aws);
  try {
    const history = await planHistory(connection, plan.planId);
    const caps = await perRuleCaps(connection, plan, config.remediation.maxPercentPerRule);
    const actedPerRule = new Map<string, number>();
    let acted = 0;
    const results: ApplyResult[] = [];
    for (const [index, item] of plan.content.items.entries()) {
      const result = (status: ApplyResult["status"], detail: string): ApplyResult => ({
        resourceId: item.resourceId,
        action: item.action,
        status,
        detail,
      });
      const earlier = history.get(index);
      if (earlier?.final === "done") {
        results.push(result("done", "done by an earlier run of this plan"));
        continue;
      }
      if (acted >= options.maxActions) {
        results.push(
          result(
            "skipped",
            `not attempted: the run's cap of ${options.maxActions} actions is reached; apply again`,
          ),
        );
        continue;
      }
      // An approval is good for its hours, not for the run it started: one that expires while a long
      // run works (snapshots waited for, a slow account) holds back every item not yet begun.
      const lapsed = await approvalLapsed(connection, plan);
      if (lapsed) {
        results.push(result("skipped", `not attempted: ${lapsed}`));
        continue;
      }
      const ruleCap = caps.get(capKey(item)) ?? 1;
      if ((actedPerRule.get(capKey(item)) ?? 0) >= ruleCap) {
        results.push(
          result(
            "skipped",
            `not attempted: ${item.rule} may act on ${ruleCap} ${item.resourceType} resource(s) per run (${config.remediation.maxPercentPerRule}% of them); apply again`,
          ),
        );
        continue;
      }
      const outcome = await applyItem(connection, config, scopes, plan, index, item, earlier, {
        runId,
        approvedBy,
        now: new Date(),
      });
      if (outcome.acted) {
        acted++;
        actedPerRule.set(capKey(item), (actedPerRule.get(capKey(item)) ?? 0) + 1);
      }
      results.push(result(outcome.status, outcome.detail));
    }
    return results;
  } finally {
    await scopes.close();
    await releaseLock(connection, APPLY_LOCK);
  }
}

/**
 * A mark written later than its plan was made (an approval a day after the plan, a back-dated plan)
 * still gives the owner the whole grace period: its due day moves to graceDays from now, never earlier
 * than the plan said. Otherwise the next run would act on a mark the team was never given time for.
 */
function withFullGrace(target: PlanTarget, config: Config, now: Date): PlanTarget {
  const mark = target.action === "mark" ? parseMark(target.markValue) : null;
  if (!mark) return target;
  const earliest = new Date(now.getTime() + config.remediation.graceDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return mark.due >= earliest ? target : { ...target, markValue: `${mark.rule}:${mark.action}@${earliest}` };
}

interface ItemOutcome {
  status: ApplyResult["status"];
  detail: string;
  /** Whether this run called AWS to change something (counts against the caps). */
  acted: boolean;
}

async function applyItem(
  connection: DuckDBConnection,
  config: Config,
  scopes: Scopes,
  plan: Plan,
  index: number,
  item: PlanItem,
  earlier: ItemHistory | undefined,
  run: { runId: string; approvedBy: string; now: Date },
): Promise<ItemOutcome> {
  const row = {
    runId: run.runId,
    approvedBy: run.approvedBy,
    planId: plan.planId,
    item: index,
    resourceId: item.resourceId,
    action: item.action,
  };
  const finish = async (
    status: ItemOutcome["status"],
    detail: string,
    acted: boolean,
    after?: Observed | null,
  ) => {
    await journal(connection, { ...row, step: ITEM_STEP, status, detail, after });
    return { status, detail, acted };
  };
  const executor = EXECUTORS.get(item.resourceType) as Executor;
  const target: PlanTarget = withFullGrace(planTarget(plan.planId, index, item), config, new Date());
  let scope: ExecutorScope;
  let observed: Observed | null;
  try {
    scope = await scopes.scope(item.account, item.region);
    observed = await executor.describe(scope, target);
  } catch (error) {
    return finish("failed", `could not describe it: ${(error as Error).message}`, false);
  }

  // A run that stopped inside this item may have made the call: the resource says whether it did.
  if (earlier?.interrupted && executor.done(target, observed)) {
    return finish(
      "done",
      "completed by an interrupted earlier run (confirmed on the resource)",
      false,
      observed,
    );
  }
  if (observed === null) {
    return item.action === "mark" || item.action === "unmark" || item.action === "tag"
      ? finish("skipped", "it no longer exists", false)
      : finish("done", "already gone", false);
  }
  // Taking finops's own mark off is what protection, exemption and retention ask for: only the other
  // actions are held back by them.
  const spared = item.action === "unmark" ? null : sparedBy(config, item.rule, observed.tags, run.now);
  if (spared) return finish("skipped", spared, false);
  // Steps an interrupted run completed (a snapshot taken) leave the resource as planned; anything else
  // that differs was changed by someone since the plan, unless the executor recognises what its own
  // earlier steps left (an image deregistered, its snapshots not yet deleted): the re-run carries on.
  // The steps an earlier run made or may have made (a failed one made nothing). What is left must be
  // part of what was planned (a snapshot finops tagged outside this plan is not).
  const journaled = new Set(
    [...(earlier?.steps ?? [])].filter(([, step]) => step.status !== "failed").map(([name]) => name),
  );
  const resuming =
    journaled.size > 0 &&
    executor.resumable?.(target, observed, journaled) === true &&
    observed.attachments.every((id) => item.preconditions.attachments.includes(id));
  const changed = resuming ? null : changedSince(item.preconditions, observed);
  if (changed) return finish("skipped", `changed since the plan: ${changed}`, false);
  // Eligibility is asked of a resumed item too: what is left may have become a backup or protected.
  const ineligible = executor.ineligible(target, observed);
  if (ineligible) return finish("skipped", ineligible, false);

  await journal(connection, { ...row, step: ITEM_STEP, status: "started", before: observed });
  const step: Step = async (name, call, options) => {
    const previous = earlier?.steps.get(name);
    if (previous?.status === "done") return previous.result as Awaited<ReturnType<typeof call>>;
    if (previous?.status === "started" && options?.resumeWith) {
      const resumed = await options.resumeWith();
      if (resumed !== null) {
        await journal(connection, {
          ...row,
          step: name,
          status: "done",
          detail: "found done on resume",
          after: resumed,
        });
        return resumed;
      }
    }
    await journal(connection, { ...row, step: name, status: "started" });
    let output: Awaited<ReturnType<typeof call>>;
    try {
      output = await call();
    } catch (error) {
      await journal(connection, { ...row, step: name, status: "failed", detail: (error as Error).message });
      throw error;
    }
    // An SDK answer is recorded by its request id (for AWS support); a step's own result as it is.
    const recorded =
      output && "$metadata" in output
        ? { requestId: (output as { $metadata: { requestId?: string } }).$metadata.requestId ?? null }
        : output;
    await journal(connection, { ...row, step: name, status: "done", after: recorded });
    return output;
  };
  try {
    const recheck = async (): Promise<string | null> => {
      const lapsed = await approvalLapsed(connection, plan);
      if (lapsed) return lapsed;
      const now = await executor.describe(scope, target);
      if (now === null) return "it no longer exists";
      const spared = sparedBy(config, item.rule, now.tags, new Date());
      if (spared) return spared;
      const changed = changedSince(item.preconditions, now);
      return changed ? `changed since the plan: ${changed}` : executor.ineligible(target, now);
    };
    const detail = await executor.act(scope, target, observed, step, {
      backup: backupPolicy(config, run.now),
      recheck,
    });
    const after = await executor.describe(scope, target).catch(() => undefined);
    return finish("done", detail, true, after);
  } catch (error) {
    const destructive = !["mark", "unmark", "tag"].includes(item.action);
    // Gone is what the resource itself says: a NotFound of something else (the backup snapshot vanishing
    // while it was waited for) leaves the resource there, and the item failed.
    if (destructive && awsErrorCode(error).endsWith(".NotFound")) {
      const now = await executor.describe(scope, target).catch(() => undefined);
      if (now === null) return finish("done", `already gone (${awsErrorCode(error)})`, true, null);
    }
    const code = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
    return finish("failed", `${code}${(error as Error).message}`, true);
  }
}
