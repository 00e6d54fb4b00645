import { sqlLiteral } from "../../core/sql.js";
import { type BillingColumn, MONEY } from "../../store/billing-columns.js";
import { COMMITMENT_WITHOUT_ID, sourceText, USED_WITHOUT_LIST_COST } from "./commitment-rules.js";
import { regionId, Source, serviceName } from "./cur2-source.js";
import { awsAccountId, type RowRule, type SourceColumns } from "./format.js";

/**
 * CUR 2.0's Savings Plans and reservations in FOCUS terms (see the mapping table in cur2.ts): the
 * commitment columns, the amortized cost, the unused part of a commitment as a row of its own, the rules
 * a commitment row keeps, and each commitment's terms for commitment_terms.
 */

const TYPE = "line_item_line_item_type";
const RI_ARN = "reservation_reservation_a_r_n";
const SP_ARN = "savings_plan_savings_plan_a_r_n";
const PUBLIC_COST = "pricing_public_on_demand_cost";

/** Every Savings Plan line item names its plan. */
const SAVINGS_PLAN_TYPES = [
  "SavingsPlanCoveredUsage",
  "SavingsPlanRecurringFee",
  "SavingsPlanNegation",
  "SavingsPlanUpfrontFee",
] as const;
/** The reservation line items that always name their reservation (a Fee names one only for an RI's upfront). */
const RESERVATION_TYPES = ["DiscountedUsage", "RIFee"] as const;
/** Usage a commitment paid for: its on-demand equivalent is the public on-demand cost. */
const COVERED_USAGE_TYPES = ["DiscountedUsage", "SavingsPlanCoveredUsage"] as const;

/**
 * The columns without which a family's amortized cost cannot be told; without all of them that family's
 * rows keep EffectiveCost = BilledCost and their fee stays one row (no used/unused split is possible).
 */
const SAVINGS_PLAN_AMORTIZATION = [
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
];
const RESERVATION_AMORTIZATION = [
  "reservation_effective_cost",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_recurring_fee",
  RI_ARN,
];

const ZERO = `CAST(0 AS ${MONEY})`;

function inList(expression: string, values: readonly string[]): string {
  return `${expression} IN (${values.map(sqlLiteral).join(", ")})`;
}

function families(s: Source): { savingsPlans: boolean; reservations: boolean } {
  return {
    savingsPlans: SAVINGS_PLAN_AMORTIZATION.every((name) => s.has(name)),
    reservations: RESERVATION_AMORTIZATION.every((name) => s.has(name)),
  };
}

/** The commitment's recurring fee rows that are split in two (purchase, unused part) for these columns. */
function splitFeeTypes(s: Source): string[] {
  const { savingsPlans, reservations } = families(s);
  return [...(savingsPlans ? ["SavingsPlanRecurringFee"] : []), ...(reservations ? ["RIFee"] : [])];
}

/** The rows that give a second billing row, the commitment's unused part (BillingFormat.secondRow). */
export function unusedRowCondition(columns: SourceColumns): string | undefined {
  const s = new Source(columns);
  const types = splitFeeTypes(s);
  return types.length ? inList(s.text(TYPE), types) : undefined;
}

/**
 * Amortized cost of the source row as such (the purchase row of a split fee costs nothing amortized: its
 * cost lives in the covered usage and the unused row). A missing amount on an amortized row counts as 0.
 */
export function effectiveCost(s: Source, type: string, billed: string, riArn: string): string {
  const amount = (name: string) => `coalesce(${s.money(name)}, ${ZERO})`;
  const { savingsPlans, reservations } = families(s);
  const cases: string[] = [];
  if (savingsPlans) {
    cases.push(
      `WHEN ${type} = 'SavingsPlanCoveredUsage' THEN ${amount("savings_plan_savings_plan_effective_cost")}`,
      `WHEN ${type} IN ('SavingsPlanRecurringFee', 'SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN ${ZERO}`,
    );
  }
  if (reservations) {
    cases.push(
      `WHEN ${type} = 'DiscountedUsage' THEN ${amount("reservation_effective_cost")}`,
      `WHEN ${type} = 'RIFee' THEN ${ZERO}`,
      `WHEN ${type} = 'Fee' AND ${riArn} IS NOT NULL THEN ${ZERO}`,
    );
  }
  return cases.length ? `CAST(CASE ${cases.join("\n      ")} ELSE ${billed} END AS ${MONEY})` : billed;
}

/**
 * The unused amortized part of a commitment's recurring fee row: what that row's EffectiveCost was before
 * the fee was split, so the load's Σ EffectiveCost is unchanged.
 */
function unusedCost(s: Source, type: string): string {
  const amount = (name: string) => `coalesce(${s.money(name)}, ${ZERO})`;
  const { savingsPlans, reservations } = families(s);
  const cases: string[] = [];
  if (savingsPlans) {
    cases.push(
      `WHEN ${type} = 'SavingsPlanRecurringFee' THEN ${amount("savings_plan_total_commitment_to_date")} - ${amount("savings_plan_used_commitment")}`,
    );
  }
  if (reservations) {
    cases.push(
      `WHEN ${type} = 'RIFee' THEN ${amount("reservation_unused_amortized_upfront_fee_for_billing_period")} + ${amount("reservation_unused_recurring_fee")}`,
    );
  }
  return `CAST(CASE ${cases.join(" ")} ELSE ${ZERO} END AS ${MONEY})`;
}

/**
 * CommitmentDiscountId, Type, Category and Status. Type and Status follow the line item type alone, not
 * whether the ARN is there: a Savings Plan or reservation row without its ARN then reads as a commitment
 * row without its id, which the load refuses (COMMITMENT_WITHOUT_ID) instead of losing its money to no
 * commitment.
 */
export function commitmentColumns(s: Source): Partial<Record<BillingColumn, string>> {
  const type = s.text(TYPE);
  const riArn = s.text(RI_ARN);
  const isSavingsPlan = inList(type, SAVINGS_PLAN_TYPES);
  const isReservation = `(${inList(type, RESERVATION_TYPES)} OR (${type} = 'Fee' AND ${riArn} IS NOT NULL))`;
  return {
    CommitmentDiscountId: `CASE WHEN ${isSavingsPlan} THEN ${s.text(SP_ARN)} WHEN ${isReservation} THEN ${riArn} END`,
    CommitmentDiscountType: `CASE WHEN ${isSavingsPlan} THEN 'Savings Plan' WHEN ${isReservation} THEN 'Reserved Instance' END`,
    CommitmentDiscountCategory: `CASE WHEN ${isSavingsPlan} THEN 'Spend' WHEN ${isReservation} THEN 'Usage' END`,
    CommitmentDiscountStatus: `CASE WHEN ${inList(type, [...COVERED_USAGE_TYPES, "SavingsPlanNegation"])} THEN 'Used' END`,
  };
}

/**
 * Makes the select list give, on a second row (`__part` = 2), the unused part of the commitment as FOCUS
 * says it: a usage row of the commitment, billed nothing, whose EffectiveCost is the unused amortized
 * cost. Every other column is the fee row's (who, where, when, the commitment's id and type).
 */
export function addUnusedRow(list: Partial<Record<BillingColumn, string>>, s: Source): void {
  if (splitFeeTypes(s).length === 0) return;
  const unused: Partial<Record<BillingColumn, string>> = {
    BilledCost: ZERO,
    EffectiveCost: unusedCost(s, s.text(TYPE)),
    ListCost: ZERO,
    ContractedCost: ZERO,
    ListUnitPrice: "NULL",
    ContractedUnitPrice: "NULL",
    ChargeCategory: "'Usage'",
    ChargeFrequency: "'Usage-Based'",
    PricingCategory: "'Committed'",
    PricingQuantity: "NULL",
    PricingUnit: "NULL",
    ConsumedQuantity: "NULL",
    ConsumedUnit: "NULL",
    CommitmentDiscountStatus: "'Unused'",
    // The unused part is the commitment's own cost: it is billed under the commitment's ARN (a CUR's
    // RIFee row may name no resource), so that what prices a resource by its id prices the commitment.
    ResourceId: `coalesce(${list.CommitmentDiscountId ?? "NULL"}, ${list.ResourceId ?? "NULL"})`,
  };
  for (const [column, value] of Object.entries(unused) as [BillingColumn, string][]) {
    list[column] = `CASE WHEN __part = 2 THEN ${value} ELSE ${list[column] ?? "NULL"} END`;
  }
}

/** A commitment row without its ARN, a covered usage row without its public on-demand cost. */
export function cur2RowRules(columns: SourceColumns): RowRule[] {
  const text = (name: string) => sourceText(columns, name);
  const type = text(TYPE);
  const lacking = (name: string) => (columns.has(name) ? "" : `: the export has no ${name} column`);
  return [
    {
      billing: COMMITMENT_WITHOUT_ID,
      source: `${inList(type, RESERVATION_TYPES)} AND ${text(RI_ARN)} IS NULL`,
      column: RI_ARN,
      problem: `a reservation row (DiscountedUsage or RIFee) without its id, the reservation's ARN${lacking(RI_ARN)}`,
    },
    {
      billing: COMMITMENT_WITHOUT_ID,
      source: `${inList(type, SAVINGS_PLAN_TYPES)} AND ${text(SP_ARN)} IS NULL`,
      column: SP_ARN,
      problem: `a Savings Plan row (SavingsPlanCoveredUsage, RecurringFee, Negation or UpfrontFee) without its id, the plan's ARN${lacking(SP_ARN)}`,
    },
    {
      billing: USED_WITHOUT_LIST_COST,
      source: `${inList(type, COVERED_USAGE_TYPES)} AND ${text(PUBLIC_COST)} IS NULL`,
      column: PUBLIC_COST,
      problem: `usage covered by a commitment (DiscountedUsage or SavingsPlanCoveredUsage) without its public on-demand cost: its on-demand equivalent (ListCost) would be unknown${lacking(PUBLIC_COST)}`,
    },
  ];
}

/**
 * One commitment_terms row per commitment the file names, from its reservation_* and savings_plan_*
 * columns (absent ones give NULL). The account is the one the ARN names, the owner: a Savings Plan's
 * covered usage may be any account's of the organization, and one part of a month's export may hold
 * none of the fee rows. Without an account in the ARN the fee rows' account wins, then any row's.
 */
export function cur2CommitmentTerms(columns: SourceColumns, relation: string): string | undefined {
  const s = new Source(columns);
  if (!s.has(RI_ARN) && !s.has(SP_ARN)) return undefined;
  const type = s.text(TYPE);
  const riArn = s.text(RI_ARN);
  const isSavingsPlan = inList(type, SAVINGS_PLAN_TYPES);
  const isReservation = `(${inList(type, RESERVATION_TYPES)} OR (${type} = 'Fee' AND ${riArn} IS NOT NULL))`;
  const pick = (savingsPlan: string, reservation: string) =>
    `CASE WHEN ${isSavingsPlan} THEN ${savingsPlan} WHEN ${isReservation} THEN ${reservation} END`;
  // An EC2 Instance Savings Plan is bought for one region; a Compute Savings Plan has none ('Any').
  const planRegion = `CASE WHEN ${s.text("savings_plan_offering_type")} = 'EC2InstanceSavingsPlans'
    THEN ${s.text("savings_plan_region")} END`;
  // A zonal reservation names its zone; a regional one leaves the column empty.
  const reservationScope = s.has("reservation_availability_zone")
    ? `coalesce(${s.text("reservation_availability_zone")}, 'Region')`
    : "NULL";
  const usageHours = `epoch(${s.timestamp("line_item_usage_end_date")} - ${s.timestamp("line_item_usage_start_date")}) / 3600`;
  const rows = `SELECT
      ${pick(s.text(SP_ARN), riArn)} AS commitment_id,
      ${pick("'Savings Plan'", "'Reserved Instance'")} AS type,
      ${inList(type, ["Fee", "RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee"])} AS fee,
      ${type} = 'SavingsPlanRecurringFee' AS recurring,
      ${awsAccountId(s.text("line_item_usage_account_id"), "'AWS'")} AS account_id,
      ${pick("NULL", serviceName(s))} AS service,
      ${pick(planRegion, regionId(s))} AS region,
      ${pick(s.timestamp("savings_plan_start_time"), s.timestamp("reservation_start_time"))} AS start_at,
      ${pick(s.timestamp("savings_plan_end_time"), s.timestamp("reservation_end_time"))} AS end_at,
      ${term(pick(s.text("savings_plan_purchase_term"), s.text("pricing_lease_contract_length")))} AS term,
      ${purchaseOption(pick(s.text("savings_plan_payment_option"), s.text("pricing_purchase_option")))} AS purchase_option,
      ${pick(s.text("savings_plan_offering_type"), reservationScope)} AS scope,
      ${s.money("savings_plan_total_commitment_to_date")} AS commitment_to_date,
      ${usageHours} AS hours
    FROM ${relation}`;
  const preferFee = (column: string) => `coalesce(max(${column}) FILTER (WHERE fee), max(${column}))`;
  // The hourly commitment: a recurring fee row's total commitment covers its usage period, whatever the
  // export's granularity (hourly, daily, monthly). savings_plan_recurring_commitment_for_billing_period
  // leaves out the amortized upfront part, so it is not the plan's commitment for a partial upfront plan.
  const hourly = `CAST(sum(commitment_to_date) FILTER (WHERE recurring AND commitment_to_date IS NOT NULL)
      / NULLIF(sum(hours) FILTER (WHERE recurring AND commitment_to_date IS NOT NULL), 0) AS ${MONEY})`;
  const owner = `NULLIF(regexp_extract(commitment_id, '^arn:[^:]*:[^:]*:[^:]*:([0-9]{12}):', 1), '')`;
  return `SELECT commitment_id, max(type), coalesce(${owner}, ${preferFee("account_id")}), ${preferFee("service")},
      ${preferFee("region")}, min(start_at), max(end_at), max(term), max(purchase_option), max(scope), ${hourly}
    FROM (${rows}) WHERE commitment_id IS NOT NULL GROUP BY commitment_id`;
}

/** '1yr' or '3yr' from the forms CUR writes ('1yr', '1 yr', '3 years'); anything else as written. */
function term(expression: string): string {
  return `CASE
      WHEN regexp_full_match(lower(${expression}), '\\s*1\\s*-?\\s*(yr|years?)\\s*') THEN '1yr'
      WHEN regexp_full_match(lower(${expression}), '\\s*3\\s*-?\\s*(yr|years?)\\s*') THEN '3yr'
      ELSE ${expression} END`;
}

/** 'No Upfront', 'Partial Upfront' or 'All Upfront' whatever the spelling ('NoUpfront', 'no upfront'). */
function purchaseOption(expression: string): string {
  return `CASE regexp_replace(lower(${expression}), '[^a-z]', '', 'g')
      WHEN 'noupfront' THEN 'No Upfront' WHEN 'partialupfront' THEN 'Partial Upfront'
      WHEN 'allupfront' THEN 'All Upfront' ELSE ${expression} END`;
}
