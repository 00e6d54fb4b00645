import { createHash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import pLimit from "p-limit";
import type { AwsOptions } from "../aws/clients.js";
import type { Config } from "../config/schema.js";
import type { ExecutorScope, Observed, PlanTarget } from "./executor.js";
import { EXECUTORS } from "./executors/index.js";
import { Scopes } from "./scopes.js";
import { type Candidate, type Exclusion, type PlanFilter, selectCandidates } from "./select.js";
import { sparedBy } from "./spared.js";
import { Undescribed } from "./undescribed.js";

/** One item of a stored plan: the selected step, the mark tag, and the resource as it was when planned. */
export interface PlanItem extends Candidate {
  markTag: string;
  preconditions: Observed;
}

/** What a plan's id is the hash of: nothing else is in it (no time), so equal plans share an id. */
export interface PlanContent {
  version: 1;
  items: PlanItem[];
}

export interface Plan {
  planId: string;
  createdAt: string;
  evaluatedAt: string;
  content: PlanContent;
  /** A preview of a later day: not stored, so nothing can approve or apply it. */
  preview?: true;
}

export interface BuildOptions {
  /** Plan as of a later day (--now in the future) and store nothing: the plan is shown, never approvable. */
  preview?: boolean;
  /** False: return the plan without storing it (the caller stores it with storePlan). */
  store?: boolean;
}

/** JSON with object keys sorted at every level: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export function planIdOf(content: PlanContent): string {
  return `plan-${createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 24)}`;
}

export function planTarget(planId: string, index: number, item: PlanItem): PlanTarget {
  return {
    planId,
    item: index,
    account: item.account,
    region: item.region,
    resourceId: item.resourceId,
    resourceType: item.resourceType,
    action: item.action,
    rule: item.rule,
    markTag: item.markTag,
    markValue: item.markValue,
    ...(item.retentionDays === undefined ? {} : { retentionDays: item.retentionDays }),
  };
}

/**
 * The dry run: selects what to do (the selection path the scheduled cleanup shares), describes each
 * resource live for its preconditions, drops what no longer applies, asks EC2's DryRun whether each
 * call would be allowed, and stores the plan (unless a preview). Changes nothing in AWS.
 */
export async function buildPlan(
  connection: DuckDBConnection,
  config: Config,
  aws: AwsOptions,
  filter: PlanFilter,
  now: Date,
  options: BuildOptions = {},
): Promise<{ plan: Plan; excluded: Exclusion[] }> {
  const { candidates, excluded } = await selectCandidates(connection, config, filter, now);
  const scopes = new Scopes(config, aws);
  const limit = pLimit(8);
  const exclude = (c: Candidate, why: string) =>
    excluded.push({ rule: c.rule, account: c.account, resourceId: c.resourceId, action: c.action, why });
  // An account that cannot be reached or a describe AWS refused fails the plan (PlanIncomplete), after
  // every item was tried: left out, they would make an incomplete plan look like "nothing to do".
  const undescribed = new Undescribed();
  let items: (PlanItem | null)[];
  try {
    items = await Promise.all(
      candidates.map((c) =>
        limit(async (): Promise<PlanItem | null> => {
          const executor = EXECUTORS.get(c.resourceType);
          if (!executor) return null;
          const base = { ...c, markTag: config.remediation.markTag };
          const target = planTarget("dry-run", 0, {
            ...base,
            preconditions: { state: null, attachments: [], tags: {} },
          });
          let observed: Observed | null;
          let scope: ExecutorScope;
          try {
            scope = await scopes.scope(c.account, c.region);
            observed = await executor.describe(scope, target);
          } catch (error) {
            undescribed.add(c.account, c.region, error);
            return null;
          }
          if (!observed) {
            exclude(c, "no longer exists");
            return null;
          }
          // The findings leave protected, exempted and retained resources out already (resource_facts);
          // this is the live check, as apply's, for tags added since the inventory was collected.
          const spared = c.action === "unmark" ? null : sparedBy(config, c.rule, observed.tags, now);
          if (spared) {
            exclude(c, `${spared}: no rule acts on it`);
            return null;
          }
          const why = executor.ineligible(target, observed);
          if (why) {
            exclude(c, why);
            return null;
          }
          const denied = await executor.dryRun(scope, target);
          if (denied) {
            exclude(c, `DryRun refused: ${denied}`);
            return null;
          }
          return { ...base, preconditions: observed };
        }),
      ),
    );
  } finally {
    await scopes.close();
  }
  undescribed.throwIfAny();
  const content: PlanContent = { version: 1, items: items.filter((i): i is PlanItem => i !== null) };
  const plan: Plan = {
    planId: planIdOf(content),
    createdAt: new Date().toISOString(),
    evaluatedAt: now.toISOString(),
    content,
  };
  if (options.preview) return { plan: { ...plan, preview: true }, excluded };
  if (options.store !== false) await storePlan(connection, plan);
  return { plan, excluded };
}

/** Stores a plan (a plan already stored is the same content under the same id: kept as it is). */
export async function storePlan(connection: DuckDBConnection, plan: Plan): Promise<void> {
  if (plan.preview) throw new Error(`plan ${plan.planId} is a preview of a later day: it is never stored`);
  await connection.run(
    `INSERT INTO plans VALUES ($1, CAST($2 AS TIMESTAMP), CAST($3 AS TIMESTAMP), $4, $5) ON CONFLICT DO NOTHING`,
    [plan.planId, plan.createdAt, plan.evaluatedAt, canonicalJson(plan.content), plan.content.items.length],
  );
}

/** A stored plan, or null. Its content is returned as stored: whether it still hashes to its id is checkPlan's job. */
export async function loadPlan(connection: DuckDBConnection, planId: string): Promise<Plan | null> {
  const reader = await connection.runAndReadAll(
    `SELECT plan_id, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
       strftime(evaluated_at, '%Y-%m-%dT%H:%M:%SZ') AS evaluated_at, content::VARCHAR AS content
     FROM plans WHERE plan_id = $1`,
    [planId],
  );
  const row = reader.getRowObjectsJson()[0];
  if (!row) return null;
  return {
    planId: String(row.plan_id),
    createdAt: String(row.created_at),
    evaluatedAt: String(row.evaluated_at),
    content: JSON.parse(String(row.content)) as PlanContent,
  };
}

/** Why a stored plan cannot be trusted (its content no longer hashes to its id), or null. */
export function alteredPlan(plan: Plan): string | null {
  const actual = planIdOf(plan.content);
  return actual === plan.planId
    ? null
    : `plan ${plan.planId} was altered after it was made (its content now hashes to ${actual}): make and approve a new plan`;
}

export async function listPlans(
  connection: DuckDBConnection,
): Promise<{ planId: string; createdAt: string; items: number }[]> {
  const reader = await connection.runAndReadAll(
    `SELECT plan_id, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, items FROM plans ORDER BY created_at DESC`,
  );
  return reader.getRowObjectsJson().map((r) => ({
    planId: String(r.plan_id),
    createdAt: String(r.created_at),
    items: Number(r.items),
  }));
}
