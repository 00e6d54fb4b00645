import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { CommitmentsConfig, EligibleUsage } from "../config/commitments.js";
import { Decimal, sumDecimals } from "../core/money.js";
import { sqlLiteral } from "../core/sql.js";
import { MONEY } from "./billing-columns.js";

/**
 * Savings Plans' and reservations' figures over a window, from the billing rows in FOCUS terms (see
 * /README "Commitments"): a covered usage row is CommitmentDiscountStatus 'Used' (its EffectiveCost the
 * amortized cost under the commitment, its ListCost the public on-demand cost), the commitment's unused
 * part is a row of status 'Unused'. Rows count by ChargePeriodStart in [from, to), as `finops costs`
 * counts them. Where no billing file covers an account's month, Cost Explorer's commitment tables
 * (commitment_usage, commitment_coverage) stand in, as Cost Explorer's costs do in billing_costs.
 */

export type CommitmentDimension = "commitment" | "type" | "account" | "service";

export interface CommitmentQuery {
  /** Inclusive, on ChargePeriodStart (a day). */
  from: string;
  /** Exclusive, on ChargePeriodStart (a day). */
  to: string;
  /** What "expiring" is measured from. */
  now: Date;
  by: CommitmentDimension;
}

export interface CommitmentFigures {
  /** usedCost + unusedCost: the commitments' amortized cost in the window. */
  commitmentCost: Decimal;
  /** Σ EffectiveCost of the usage the commitments covered. */
  usedCost: Decimal;
  /** Σ EffectiveCost of the commitments' unused part. */
  unusedCost: Decimal;
  /** usedCost / commitmentCost; null without commitment cost. */
  utilization: number | null;
  /** Σ ListCost of the covered usage: what it would have cost on demand. */
  onDemandEquivalentCost: Decimal;
  /** onDemandEquivalentCost - commitmentCost. */
  savings: Decimal;
}

export interface CommitmentSummary extends CommitmentFigures {
  /**
   * 1 - (effective cost / on-demand cost) over all commitment-eligible usage: the covered usage at its
   * amortized cost plus the unused commitment, and the eligible on-demand usage at its cost, against the
   * on-demand equivalent of both. Null without eligible usage.
   */
  effectiveSavingsRate: number | null;
  /** Covered on-demand equivalent / (covered + eligible on-demand cost); null without eligible usage. */
  coverage: number | null;
  /** Eligible usage that no commitment covered, at its on-demand cost (the base of coverage). */
  eligibleOnDemandCost: Decimal;
}

export interface CommitmentLine extends CommitmentFigures {
  commitmentId: string;
  type: string | null;
  account: string | null;
  /** The commitment's term, where a source says it (CUR 2.0, Cost Explorer, the inventory). */
  start: string | null;
  end: string | null;
  term: string | null;
  purchaseOption: string | null;
}

export interface CommitmentGroup extends CommitmentFigures {
  key: string | null;
}

export interface ExpiringCommitment {
  commitmentId: string;
  type: string | null;
  account: string | null;
  end: string;
  daysLeft: number;
  /** The on-demand cost of what it covered in the 30 days before now: what returns each month if not renewed. */
  monthlyOnDemandCost: Decimal;
  /** Its amortized cost in those 30 days. */
  monthlyCommitmentCost: Decimal;
}

export interface CommitmentReport {
  from: string;
  to: string;
  by: CommitmentDimension;
  summary: CommitmentSummary;
  commitments: CommitmentLine[];
  /** The figures grouped by `by` (for `by: commitment`, one group per commitment). */
  groups: CommitmentGroup[];
  expiring: ExpiringCommitment[];
}

/** The rows every commitment figure sums, one per commitment, account, service and day. */
function commitmentRows(param: (value: DuckDBValue) => string, from: string, to: string): string {
  return commitmentRowsSql(param(from), param(to));
}

/**
 * commitmentRows with the window as SQL expressions of days (`from` inclusive, `to` exclusive), for a
 * query that computes its window (the commitment rules: the days before --now). Each row is one
 * commitment's (id, type, account, service, day, used, unused, on_demand): the billing rows in FOCUS
 * terms, and Cost Explorer's commitment_usage where no billing file covers the account's month. Its
 * query needs the CTE FILE_MONTHS beside it.
 */
export function commitmentRowsSql(f: string, t: string): string {
  return `
    SELECT CommitmentDiscountId AS id, CommitmentDiscountType AS type, SubAccountId AS account,
      ServiceName AS service, CAST(ChargePeriodStart AS DATE) AS day,
      CASE WHEN CommitmentDiscountStatus = 'Used' THEN EffectiveCost ELSE 0 END AS used,
      CASE WHEN CommitmentDiscountStatus = 'Unused' THEN EffectiveCost ELSE 0 END AS unused,
      CASE WHEN CommitmentDiscountStatus = 'Used' THEN coalesce(ListCost, 0) ELSE 0 END AS on_demand
    FROM billing_costs
    WHERE CommitmentDiscountId IS NOT NULL AND CommitmentDiscountStatus IN ('Used', 'Unused')
      AND ChargePeriodStart >= CAST(${f} AS TIMESTAMP) AND ChargePeriodStart < CAST(${t} AS TIMESTAMP)
    UNION ALL
    SELECT u.commitment_id, u.type, u.account_id, NULL, u.day, u.used_cost, u.unused_cost, u.on_demand_equivalent
    FROM commitment_usage u
    WHERE u.day >= CAST(${f} AS DATE) AND u.day < CAST(${t} AS DATE)
      AND NOT EXISTS (SELECT 1 FROM file_months m WHERE m.account = u.account_id AND m.month = date_trunc('month', u.day))`;
}

/** The (account, month) pairs a billing file covers: there, Cost Explorer's commitment tables are not read. */
export const FILE_MONTHS = `file_months AS (
  SELECT DISTINCT SubAccountId AS account, CAST(BillingPeriodStart AS DATE) AS month FROM billing WHERE x_Source <> 'cost-explorer'
)`;

/** SQL true for a billing row of usage a commitment could cover (config commitments.eligibleUsage). */
export function eligibleUsageSql(eligible: readonly EligibleUsage[]): string {
  const byService = new Map<string, Set<string>>();
  for (const entry of eligible) {
    const patterns = byService.get(entry.service) ?? new Set<string>();
    for (const pattern of entry.usageTypes) patterns.add(pattern);
    byService.set(entry.service, patterns);
  }
  const cases = [...byService].map(
    ([service, patterns]) =>
      `(ServiceName = ${sqlLiteral(service)} AND (${[...patterns].map((p) => `SkuMeter LIKE ${sqlLiteral(p)}`).join(" OR ")}))`,
  );
  return cases.length ? `(${cases.join(" OR ")})` : "false";
}

/** Eligible usage no commitment covered, on demand (Spot is not on demand), in the window. */
function uncoveredRows(
  param: (value: DuckDBValue) => string,
  from: string,
  to: string,
  eligible: readonly EligibleUsage[],
): string {
  const f = param(from);
  const t = param(to);
  return `
    SELECT coalesce(ListCost, BilledCost) AS on_demand, EffectiveCost AS effective
    FROM billing_costs
    WHERE ChargeCategory = 'Usage' AND CommitmentDiscountId IS NULL
      AND PricingCategory IS DISTINCT FROM 'Dynamic' AND ChargeClass IS DISTINCT FROM 'Correction'
      AND ChargePeriodStart >= CAST(${f} AS TIMESTAMP) AND ChargePeriodStart < CAST(${t} AS TIMESTAMP)
      AND ${eligibleUsageSql(eligible)}
    UNION ALL
    SELECT c.on_demand_cost, c.on_demand_cost FROM commitment_coverage c
    WHERE c.day >= CAST(${f} AS DATE) AND c.day < CAST(${t} AS DATE)
      AND NOT EXISTS (SELECT 1 FROM file_months m WHERE m.account = c.account_id AND m.month = date_trunc('month', c.day))`;
}

/** Each commitment's terms, the first source that has each field winning: CUR 2.0, then Cost Explorer. */
const TERMS = `terms AS (
  SELECT commitment_id AS id,
    arg_min(type, rank) FILTER (WHERE type IS NOT NULL) AS type,
    arg_min(account_id, rank) FILTER (WHERE account_id IS NOT NULL) AS account,
    arg_min(start_at, rank) FILTER (WHERE start_at IS NOT NULL) AS start_at,
    arg_min(end_at, rank) FILTER (WHERE end_at IS NOT NULL) AS end_at,
    arg_min(term, rank) FILTER (WHERE term IS NOT NULL) AS term,
    arg_min(purchase_option, rank) FILTER (WHERE purchase_option IS NOT NULL) AS purchase_option
  FROM (SELECT *, CASE source WHEN 'cur2' THEN 1 WHEN 'inventory' THEN 2 ELSE 3 END AS rank FROM commitment_terms)
  GROUP BY commitment_id
)`;

const FIGURES = `sum(used) AS used, sum(unused) AS unused, sum(on_demand) AS on_demand`;

export async function commitmentReport(
  connection: DuckDBConnection,
  config: CommitmentsConfig,
  query: CommitmentQuery,
): Promise<CommitmentReport> {
  // Each query binds its own parameters: the window of the rows, and of the uncovered usage.
  const read = async (build: (param: (value: DuckDBValue) => string) => string) => {
    const values: DuckDBValue[] = [];
    const sql = build((value) => {
      values.push(value);
      return `$${values.length}`;
    });
    return (await connection.runAndReadAll(sql, values)).getRowObjectsJson() as Record<string, unknown>[];
  };
  const rowsIn = (param: (value: DuckDBValue) => string) => commitmentRows(param, query.from, query.to);

  const [totals] = await read(
    (param) => `WITH ${FILE_MONTHS}, rows AS (${rowsIn(param)}),
      uncovered AS (${uncoveredRows(param, query.from, query.to, config.eligibleUsage)})
    SELECT (SELECT struct_pack(used := coalesce(sum(used), 0), unused := coalesce(sum(unused), 0),
        on_demand := coalesce(sum(on_demand), 0)) FROM rows) AS c,
      (SELECT struct_pack(on_demand := coalesce(sum(on_demand), 0), effective := coalesce(sum(effective), 0)) FROM uncovered) AS u`,
  );
  const c = (totals?.c ?? {}) as Record<string, unknown>;
  const u = (totals?.u ?? {}) as Record<string, unknown>;
  const summaryFigures = figures(c.used, c.unused, c.on_demand);
  const eligibleOnDemand = money(u.on_demand);
  const coveredOnDemand = summaryFigures.onDemandEquivalentCost.toNumber();
  const eligibleBase = coveredOnDemand + eligibleOnDemand.toNumber();
  const effective = summaryFigures.commitmentCost.toNumber() + money(u.effective).toNumber();
  const summary: CommitmentSummary = {
    ...summaryFigures,
    effectiveSavingsRate: eligibleBase > 0 ? 1 - effective / eligibleBase : null,
    coverage: eligibleBase > 0 ? coveredOnDemand / eligibleBase : null,
    eligibleOnDemandCost: eligibleOnDemand,
  };

  const lines = await read(
    (param) => `WITH ${FILE_MONTHS}, ${TERMS}, rows AS (${rowsIn(param)}),
    per AS (SELECT id, any_value(type) AS type, ${FIGURES},
      arg_max(account, unused) FILTER (WHERE unused <> 0) AS unused_account, min(account) AS any_account
      FROM rows GROUP BY id)
    SELECT per.id, coalesce(t.type, per.type) AS type, coalesce(t.account, per.unused_account, per.any_account) AS account,
      strftime(t.start_at, '%Y-%m-%dT%H:%M:%SZ') AS start_at, strftime(t.end_at, '%Y-%m-%dT%H:%M:%SZ') AS end_at,
      t.term, t.purchase_option, CAST(per.used AS ${MONEY}) AS used, CAST(per.unused AS ${MONEY}) AS unused,
      CAST(per.on_demand AS ${MONEY}) AS on_demand
    FROM per LEFT JOIN terms t ON t.id = per.id
    ORDER BY per.unused DESC, per.id`,
  );
  const commitments: CommitmentLine[] = lines.map((row) => ({
    commitmentId: String(row.id),
    type: text(row.type),
    account: text(row.account),
    start: text(row.start_at),
    end: text(row.end_at),
    term: text(row.term),
    purchaseOption: text(row.purchase_option),
    ...figures(row.used, row.unused, row.on_demand),
  }));

  const key = { commitment: "id", type: "type", account: "account", service: "service" }[query.by];
  const groupRows = await read(
    (param) => `WITH ${FILE_MONTHS}, rows AS (${rowsIn(param)})
    SELECT ${key} AS key, ${FIGURES} FROM rows GROUP BY ${key} ORDER BY sum(used) + sum(unused) DESC, key`,
  );
  const groups: CommitmentGroup[] = groupRows.map((row) => ({
    key: text(row.key),
    ...figures(row.used, row.unused, row.on_demand),
  }));

  return {
    from: query.from,
    to: query.to,
    by: query.by,
    summary,
    commitments,
    groups,
    expiring: await expiringCommitments(connection, config, query.now),
  };
}

/**
 * Commitments whose end lies within commitments.expiryWarningDays after now, with what they covered in
 * the 30 days before now (whatever the report's window): the on-demand cost that returns if not renewed.
 */
export async function expiringCommitments(
  connection: DuckDBConnection,
  config: CommitmentsConfig,
  now: Date,
): Promise<ExpiringCommitment[]> {
  const values: DuckDBValue[] = [];
  const param = (value: DuckDBValue) => {
    values.push(value);
    return `$${values.length}`;
  };
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const nowText = now.toISOString().replace("T", " ").replace("Z", "");
  const rows = commitmentRows(param, day(new Date(now.getTime() - 30 * 86_400_000)), day(now));
  const nowParam = param(nowText);
  const days = param(config.expiryWarningDays);
  const found = (
    await connection.runAndReadAll(
      `WITH ${FILE_MONTHS}, ${TERMS}, rows AS (${rows}),
        recent AS (SELECT id, ${FIGURES} FROM rows GROUP BY id)
      SELECT t.id, t.type, t.account, strftime(t.end_at, '%Y-%m-%dT%H:%M:%SZ') AS end_at,
        date_diff('day', CAST(${nowParam} AS TIMESTAMP), t.end_at) AS days_left,
        CAST(coalesce(r.on_demand, 0) AS ${MONEY}) AS on_demand,
        CAST(coalesce(r.used, 0) + coalesce(r.unused, 0) AS ${MONEY}) AS cost
      FROM terms t LEFT JOIN recent r ON r.id = t.id
      WHERE t.end_at > CAST(${nowParam} AS TIMESTAMP)
        AND t.end_at <= CAST(${nowParam} AS TIMESTAMP) + to_days(CAST(${days} AS INTEGER))
      ORDER BY t.end_at, t.id`,
      values,
    )
  ).getRowObjectsJson() as Record<string, unknown>[];
  return found.map((row) => ({
    commitmentId: String(row.id),
    type: text(row.type),
    account: text(row.account),
    end: String(row.end_at),
    daysLeft: Number(row.days_left),
    monthlyOnDemandCost: money(row.on_demand),
    monthlyCommitmentCost: money(row.cost),
  }));
}

function figures(used: unknown, unused: unknown, onDemand: unknown): CommitmentFigures {
  const usedCost = money(used);
  const unusedCost = money(unused);
  const onDemandEquivalentCost = money(onDemand);
  const commitmentCost = addMoney(usedCost, unusedCost);
  const total = commitmentCost.toNumber();
  return {
    commitmentCost,
    usedCost,
    unusedCost,
    utilization: total > 0 ? usedCost.toNumber() / total : null,
    onDemandEquivalentCost,
    savings: addMoney(onDemandEquivalentCost, negate(commitmentCost)),
  };
}

function money(value: unknown): Decimal {
  return new Decimal(value === null || value === undefined ? "0" : String(value));
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function negate(value: Decimal): Decimal {
  return new Decimal(value.text.startsWith("-") ? value.text.slice(1) : `-${value.text}`);
}

function addMoney(a: Decimal, b: Decimal): Decimal {
  return new Decimal(sumDecimals([a.text, b.text]));
}
