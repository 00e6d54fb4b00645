import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../rules/config.js";
import type { StepAction } from "./executor.js";
import { actionFor, supports } from "./executors/index.js";

/** Which findings a plan covers. */
export interface PlanFilter {
  rules?: string[];
  team?: string;
  /** Only rules with this approval mode (the scheduled cleanup plans the auto ones). */
  approval?: "manual" | "auto";
}

/** A finding turned into the one step it needs now: mark it, act on it, or take a stale mark off. */
export interface Candidate {
  rule: string;
  findingId: string | null;
  account: string;
  region: string;
  resourceId: string;
  resourceType: string;
  action: StepAction;
  reason: string;
  team: string;
  estimatedMonthlySavings: string | null;
  approval: "manual" | "auto";
  markValue: string | null;
}

export interface Exclusion {
  rule: string;
  account: string;
  resourceId: string;
  action: string;
  why: string;
}

const DESTRUCTIVE = new Set(["stop", "terminate", "snapshot-and-delete", "delete", "release"]);

/** The mark tag's value: which rule will take which action on which day. */
export interface Mark {
  rule: string;
  action: string;
  /** YYYY-MM-DD, UTC. */
  due: string;
}

export function parseMark(value: string | null): Mark | null {
  const match = /^([a-z0-9-]+):([a-z-]+)@(\d{4}-\d{2}-\d{2})$/.exec(value ?? "");
  return match ? { rule: match[1] as string, action: match[2] as string, due: match[3] as string } : null;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * What to do now about every open finding with an action, the one selection path that both the dry run
 * (plan) and the scheduled cleanup go through. Destructive actions follow the grace period: a finding
 * without a mark gets one (due graceDays ahead, the team is told); a marked finding is acted on once
 * the day has come and the rule still finds it; a mark whose rule no longer finds the resource is taken
 * off. The expired rule acts at once: the owner set the date. Protected resources are never selected.
 */
export async function selectCandidates(
  connection: DuckDBConnection,
  config: Config,
  filter: PlanFilter,
  now: Date,
): Promise<{ candidates: Candidate[]; excluded: Exclusion[] }> {
  const markTag = config.remediation.markTag;
  const rules = new Map(config.rules.filter((r) => r.enabled).map((r) => [r.id, r]));
  const wanted = (ruleId: string, team: string, account: string) => {
    const rule = rules.get(ruleId);
    if (!rule) return null;
    if (filter.rules?.length && !filter.rules.includes(ruleId)) return null;
    if (filter.team && filter.team !== team) return null;
    if (filter.approval && rule.approval !== filter.approval) return null;
    if (rule.accounts && !rule.accounts.includes(account)) return null;
    return rule;
  };
  const candidates: Candidate[] = [];
  const excluded: Exclusion[] = [];
  const today = day(now);
  const due = day(new Date(now.getTime() + config.remediation.graceDays * 86_400_000));

  const findings = await connection.runAndReadAll(
    `SELECT f.id, f.rule, f.account, f.region, f.resource_id, f.resource_type, f.action, f.reason, f.team,
       CAST(f.estimated_monthly_savings AS VARCHAR) AS savings, f.protected, tag_value_exact(r.tags, $1) AS mark
     FROM findings f JOIN resources_current r ON r.account = f.account AND r.resource_id = f.resource_id
     WHERE f.resolved_at IS NULL AND f.action <> 'notify'
     ORDER BY f.rule, f.account, f.region, f.resource_id`,
    [markTag],
  );
  for (const row of findings.getRowObjectsJson()) {
    const f = {
      id: String(row.id),
      rule: String(row.rule),
      account: String(row.account),
      region: String(row.region),
      resourceId: String(row.resource_id),
      resourceType: String(row.resource_type),
      action: String(row.action),
      reason: String(row.reason),
      team: String(row.team),
      savings: row.savings === null ? null : String(row.savings),
      mark: row.mark === null ? null : String(row.mark),
    };
    const rule = wanted(f.rule, f.team, f.account);
    if (!rule) continue;
    const exclude = (why: string) =>
      excluded.push({ rule: f.rule, account: f.account, resourceId: f.resourceId, action: f.action, why });
    if (row.protected) {
      exclude("protected: never remediated");
      continue;
    }
    const candidate = (action: StepAction, markValue: string | null, reason = f.reason): Candidate => ({
      rule: f.rule,
      findingId: f.id,
      account: f.account,
      region: f.region,
      resourceId: f.resourceId,
      resourceType: f.resourceType,
      action,
      reason,
      team: f.team,
      estimatedMonthlySavings: f.savings,
      approval: rule.approval,
      markValue,
    });
    const step = actionFor(f.resourceType, f.action as StepAction);
    if (step === null) {
      exclude(`no executor can ${f.action} a ${f.resourceType}`);
      continue;
    }
    const kind = rule.kind ?? rule.id;
    const mark = parseMark(f.mark);
    let chosen: Candidate | null = null;
    if (f.action === "tag") {
      if (mark?.rule === f.rule) continue;
      chosen = candidate("tag", `${f.rule}:tag@${today}`);
    } else if (kind === "expired" || !DESTRUCTIVE.has(f.action)) {
      chosen = candidate(step, null);
    } else if (mark && mark.rule !== f.rule) {
      exclude(`marked by rule ${mark.rule} (${f.mark}): one mark at a time`);
      continue;
    } else if (mark && mark.action === step && mark.due <= today) {
      chosen = candidate(step, null, `${f.reason} (marked ${f.mark}: due)`);
    } else if (mark && mark.action === step) {
      exclude(`marked for ${mark.action} on ${mark.due}: not due yet`);
      continue;
    } else {
      chosen = candidate(
        "mark",
        `${f.rule}:${step}@${due}`,
        `${f.reason}: marked for ${step} on ${due}, the team is told first`,
      );
    }
    if (!supports(chosen.resourceType, chosen.action)) {
      exclude(`no executor can ${chosen.action} a ${chosen.resourceType}`);
      continue;
    }
    candidates.push(chosen);
  }

  // Marks whose rule no longer finds the resource come off (the resource was fixed or exempted).
  const lookup = config.tags.caseInsensitive ? "tag_value_ci" : "tag_value_exact";
  const teamSql = `coalesce(${config.tags.teamKeys.map((_, i) => `nullif(${lookup}(r.tags, $${i + 2}), '')`).join(", ")}, 'unowned')`;
  const stale = await connection.runAndReadAll(
    `SELECT r.account, r.region, r.resource_id, r.resource_type, tag_value_exact(r.tags, $1) AS mark,
       ${teamSql} AS team
     FROM resources_current r
     WHERE tag_value_exact(r.tags, $1) IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM findings f WHERE f.resolved_at IS NULL AND f.account = r.account
         AND f.resource_id = r.resource_id AND f.rule = split_part(tag_value_exact(r.tags, $1), ':', 1))
     ORDER BY r.account, r.region, r.resource_id`,
    [markTag, ...config.tags.teamKeys],
  );
  for (const row of stale.getRowObjectsJson()) {
    const mark = parseMark(String(row.mark));
    if (!mark) continue; // not ours to remove: a value finops did not write
    const account = String(row.account);
    const team = String(row.team);
    const rule = wanted(mark.rule, team, account);
    if (!rule) continue;
    const unmark: Candidate = {
      rule: mark.rule,
      findingId: null,
      account,
      region: String(row.region),
      resourceId: String(row.resource_id),
      resourceType: String(row.resource_type),
      action: "unmark",
      reason: `${mark.rule} no longer finds it: the mark ${row.mark} comes off`,
      team,
      estimatedMonthlySavings: null,
      approval: rule.approval,
      markValue: null,
    };
    if (supports(unmark.resourceType, "unmark")) candidates.push(unmark);
  }
  return { candidates, excluded };
}
