import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config, RuleConfig } from "../config/schema.js";
import { ACTION_STRENGTH } from "../core/actions.js";
import { RULE_KINDS } from "../rules/catalogue.js";
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
  /**
   * The other rules whose step on this resource this item replaces: a plan holds one item per resource,
   * the strongest action (plans made before this field existed lack it).
   */
  alsoFlaggedBy?: string[];
  /**
   * What the action needs besides the resource, from the rule's parameters: set-retention's days. Only
   * an item of that action carries it, so that every other plan's content (and id) is as before.
   */
  retentionDays?: number;
}

export interface Exclusion {
  rule: string;
  account: string;
  resourceId: string;
  action: string;
  why: string;
}

// Setting a retention deletes the logs older than it; a lifecycle rule deletes abandoned upload parts.
const DESTRUCTIVE = new Set([
  "stop",
  "terminate",
  "snapshot-and-delete",
  "delete",
  "release",
  "set-retention",
  "add-lifecycle-rule",
]);

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
 * off. The expired rule acts at once: the owner set the date. Protected resources are never acted on (a
 * mark of theirs comes off). One step per resource (onePerResource): the strongest, chosen over every
 * rule before the filter picks the plan's, so that two plans never hold conflicting steps.
 */
export async function selectCandidates(
  connection: DuckDBConnection,
  config: Config,
  filter: PlanFilter,
  now: Date,
): Promise<{ candidates: Candidate[]; excluded: Exclusion[] }> {
  const markTag = config.remediation.markTag;
  const rules = new Map(config.rules.filter((r) => r.enabled).map((r) => [r.id, r]));
  // Every rule's step is selected, the filter's or not, so that the one item a resource gets is the same
  // whichever plan (auto, manual, --rule) holds it; the filter then picks the plan's items.
  const ruleFor = (ruleId: string, account: string) => {
    const rule = rules.get(ruleId);
    if (!rule) return null;
    if (rule.accounts && !rule.accounts.includes(account)) return null;
    return rule;
  };
  const inFilter = (c: { rule: string; team: string; approval: "manual" | "auto" }) =>
    !(filter.rules?.length && !filter.rules.includes(c.rule)) &&
    !(filter.team && filter.team !== c.team) &&
    !(filter.approval && c.approval !== filter.approval);
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
    const rule = ruleFor(f.rule, f.account);
    if (!rule) continue;
    const exclude = (why: string) => {
      if (inFilter({ ...f, approval: rule.approval }))
        excluded.push({ rule: f.rule, account: f.account, resourceId: f.resourceId, action: f.action, why });
    };
    const mark = parseMark(f.mark);
    if (row.protected) {
      // Its mark announces an action that will never come: finops takes its own tag off.
      if (mark?.rule === f.rule && DESTRUCTIVE.has(mark.action) && supports(f.resourceType, "unmark")) {
        candidates.push({
          ...unmarkOf(f, mark, f.mark as string, rule.approval),
          reason: `protected: never remediated; the mark ${f.mark} comes off`,
        });
      } else exclude("protected: never remediated");
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
      ...actionParams(rule, action),
    });
    const step = actionFor(f.resourceType, f.action as StepAction);
    if (step === null) {
      exclude(`no executor can ${f.action} a ${f.resourceType}`);
      continue;
    }
    const kind = rule.kind ?? rule.id;
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
    const resource = {
      account: String(row.account),
      region: String(row.region),
      resourceId: String(row.resource_id),
      resourceType: String(row.resource_type),
      team: String(row.team),
    };
    const rule = ruleFor(mark.rule, resource.account);
    if (!rule) continue;
    if (supports(resource.resourceType, "unmark")) {
      candidates.push({
        ...unmarkOf(resource, mark, String(row.mark), rule.approval),
        reason: `${mark.rule} no longer finds it: the mark ${row.mark} comes off`,
      });
    }
  }
  const { kept, superseded } = onePerResource(candidates);
  for (const { loser, winner } of superseded) {
    // A loser whose winner is in this plan is named in the winner's alsoFlaggedBy; one whose winner is
    // in another plan (the other approval mode, a rule not asked for) is left out with the reason.
    if (!inFilter(loser) || inFilter(winner)) continue;
    excluded.push({
      rule: loser.rule,
      account: loser.account,
      resourceId: loser.resourceId,
      action: loser.action,
      why: `${winner.rule}'s ${winner.action} (approval ${winner.approval}) acts on it instead: one item per resource, the strongest action`,
    });
  }
  return { candidates: kept.filter(inFilter), excluded };
}

/** The rule's parameters an action acts with: set-retention's retentionDays (its kind's default where unset). */
function actionParams(rule: RuleConfig, action: StepAction): { retentionDays?: number } {
  if (action !== "set-retention") return {};
  const parsed = RULE_KINDS.get(rule.kind ?? rule.id)?.params.safeParse(rule.params);
  const days = parsed?.success ? (parsed.data as { retentionDays?: unknown }).retentionDays : undefined;
  return typeof days === "number" ? { retentionDays: days } : {};
}

/** The step that takes a finops mark off a resource. */
function unmarkOf(
  resource: { account: string; region: string; resourceId: string; resourceType: string; team: string },
  mark: Mark,
  value: string,
  approval: "manual" | "auto",
): Candidate {
  return {
    rule: mark.rule,
    findingId: null,
    account: resource.account,
    region: resource.region,
    resourceId: resource.resourceId,
    resourceType: resource.resourceType,
    action: "unmark",
    reason: `the mark ${value} comes off`,
    team: resource.team,
    estimatedMonthlySavings: null,
    approval,
    markValue: null,
  };
}

/** How strong each step is (shared with the savings counted once per resource: core/actions.ts). */
const STRENGTH: Record<StepAction, number> = ACTION_STRENGTH;

/**
 * One candidate per resource: the strongest action (the first rule in id order among equals), naming
 * the other rules in alsoFlaggedBy. Keeps the candidates' order.
 */
export function onePerResource(candidates: Candidate[]): {
  kept: Candidate[];
  superseded: { loser: Candidate; winner: Candidate }[];
} {
  const byResource = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = `${c.account}|${c.resourceId}`;
    byResource.set(key, [...(byResource.get(key) ?? []), c]);
  }
  const winners = new Map<Candidate, Candidate>();
  const superseded: { loser: Candidate; winner: Candidate }[] = [];
  for (const group of byResource.values()) {
    const [first, ...rest] = [...group].sort(
      (a, b) => STRENGTH[b.action] - STRENGTH[a.action] || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );
    if (!first) continue;
    const others = [...new Set(rest.map((c) => c.rule).filter((r) => r !== first.rule))].sort();
    winners.set(first, others.length ? { ...first, alsoFlaggedBy: others } : first);
    for (const loser of rest) superseded.push({ loser, winner: first });
  }
  return {
    kept: candidates.flatMap((c) => {
      const winner = winners.get(c);
      return winner ? [winner] : [];
    }),
    superseded,
  };
}
