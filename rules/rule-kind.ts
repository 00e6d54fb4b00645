import type { z } from "zod";
import type { Action, Severity } from "../config/sections.js";
import type { MetricSummary } from "./metric-summary.js";

/** The packs the catalogue groups rule kinds in, in the order the documentation lists them. */
export const PACKS = ["compute", "storage", "network", "database", "governance", "custom"] as const;
export type Pack = (typeof PACKS)[number];

/** What every rule's SQL may use besides its parameters. */
export interface RuleContext {
  /** The instant rules evaluate at (--now), as a SQL TIMESTAMP literal. */
  now: string;
  /** The same instant, for what binds it as a value (a user rule's $now). */
  instant: Date;
  /** SQL for a tag's value by key of the resources_current row aliased `alias`, honouring tags.caseInsensitive. */
  tag: (alias: string, key: string) => string;
  /** Tags every resource must carry. */
  requiredTags: readonly string[];
  /**
   * SQL for "the row's day lies in the `lookbackDays` whole UTC days before the evaluation's day" over
   * a metrics_daily row aliased `alias` (or unqualified when null): the window every metric rule reads.
   */
  metricWindow: (alias: string | null, lookbackDays: number) => string;
  /**
   * SQL for a relation of one metric's figures per resource over that window (rules/metric-summary.ts):
   * resource_id, days, and the stats asked for. What a rule that aggregates a metric per resource reads
   * instead of metrics_daily: evaluating every rule at once, the rules asking for the same namespace
   * share one pass over it.
   */
  metricSummary: MetricSummary;
}

/**
 * A rule kind: metadata, parameters with documented defaults, and one set-based SQL query over the
 * collected tables. The query selects `r.*`-style rows from resources_current (alias r) that match,
 * with these columns: account, resource_id, reason (one sentence with the figures), evidence (a JSON
 * object of the values that triggered it) and savings_ratio (the share of the resource's monthly cost
 * the rule's action saves, 0 to 1: see each kind's `savings` text).
 */
export interface RuleKind<P extends z.ZodType = z.ZodType> {
  kind: string;
  /** The catalogue's pack: what `finops rules`, the README table and the catalogue's order group it by. */
  pack: Pack;
  /**
   * What it flags, as a label of a few words ("Idle EC2 instance"): what the web view shows instead of
   * the rule's id; a rules.yaml entry may give its own (`title`).
   */
  title: string;
  /** What it flags, in one sentence (the README table, `finops rules`, the commented rules.yaml). */
  description: string;
  defaultSeverity: Severity;
  defaultAction: Action;
  /** How the estimated monthly savings follow from the action, for the documentation. */
  savings: string;
  /**
   * How a person fixes one finding, in one line: a command to run or the step to take, with
   * placeholders the digests fill per resource: {id} (the resource id), {name} (the name AWS's APIs
   * take: the id, or the name inside an ARN id), {arn}, {region} and {account}. Optional: a kind
   * without one shows no fix line.
   */
  fix?: string;
  /**
   * The query also selects extra_cost_ids: ids of resources in the same account whose monthly cost is
   * part of the finding's (a stopped instance's volumes).
   */
  extraCostIds?: boolean;
  params: P;
  /**
   * A rules.yaml entry using the kind, for a kind that is not enabled by default (its parameters have no
   * defaults): the generated rules.yaml shows it commented out.
   */
  example?: string;
  /**
   * For a kind whose parameters carry a user's query (kind: sql): that query, which the engine runs on
   * its own first (rules/user-sql.ts) and whose rows the kind's sql then reads.
   */
  userQuery?: (params: z.infer<P>) => string;
  sql(params: z.infer<P>, context: RuleContext): string;
}
