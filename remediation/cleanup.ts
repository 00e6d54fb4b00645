import type { DuckDBConnection } from "@duckdb/node-api";
import type { AwsOptions } from "../aws/clients.js";
import type { Config } from "../config/schema.js";
import { type ApplyResult, applyPlan } from "./apply.js";
import { approvePlan } from "./approvals.js";
import { buildPlan, type Plan, storePlan } from "./plan.js";
import type { Exclusion } from "./select.js";

/** Who approves what rules.yaml lets the scheduled cleanup apply by itself. */
export const AUTO_APPROVER = "rules.yaml (approval: auto)";

export interface CleanupRun {
  /** The rules with approval: auto: planned, approved by the config and applied (unless a dry run). */
  auto: { plan: Plan; excluded: Exclusion[]; results: ApplyResult[] | null };
  /** The other rules: planned and stored, waiting for `finops approve`. */
  waiting: { plan: Plan; excluded: Exclusion[] };
}

/**
 * A dry run may preview a later day (--now); a real run plans, approves and applies by the clock, so
 * that nothing is acted on before its day and no approval is dated other than when it was made.
 */
export type CleanupOptions =
  | { dryRun: true; now?: Date; preview?: boolean }
  | { dryRun: false; maxActions?: number };

/**
 * The scheduled cleanup: plan, then apply, for the rules configured with approval: auto; plan only for
 * the others. The dry run stops after planning: it goes through the same selection and plan as the
 * real run, which applies exactly the plan it made.
 */
export async function runCleanup(
  connection: DuckDBConnection,
  config: Config,
  aws: AwsOptions,
  options: CleanupOptions,
): Promise<CleanupRun> {
  const at = options.dryRun ? (options.now ?? new Date()) : new Date();
  // A preview (a dry run of a later day) stores neither plan: neither may be approved. Otherwise both are
  // stored once both are made: a resource that could not be described fails the run with neither stored.
  const preview = options.dryRun && options.preview === true;
  const build = { preview, store: false };
  const auto = await buildPlan(connection, config, aws, { approval: "auto" }, at, build);
  const waiting = await buildPlan(connection, config, aws, { approval: "manual" }, at, build);
  if (!preview) {
    await storePlan(connection, auto.plan);
    await storePlan(connection, waiting.plan);
  }
  let results: ApplyResult[] | null = null;
  if (!options.dryRun && auto.plan.content.items.length) {
    await approvePlan(connection, auto.plan, AUTO_APPROVER, config.remediation.approvalHours);
    results = await applyPlan(connection, config, aws, auto.plan, {
      maxActions: options.maxActions ?? config.remediation.maxActions,
    });
  }
  return { auto: { ...auto, results }, waiting };
}
