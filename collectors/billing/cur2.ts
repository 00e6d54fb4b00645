import { sqlLiteral } from "../../core/sql.js";
import { type BillingColumn, MONEY } from "../../store/billing-columns.js";
import {
  addUnusedRow,
  commitmentColumns,
  cur2CommitmentTerms,
  cur2RowRules,
  effectiveCost,
  unusedRowCondition,
} from "./cur2-commitments.js";
import { serviceCategory } from "./cur2-service-categories.js";
import { regionId, Source, serviceName } from "./cur2-source.js";
import {
  SPLIT_SOURCE_TYPES,
  splitColumns,
  splitParentCheck,
  splitRowRules,
  splitTagKeyCases,
  withoutSplitListCost,
} from "./cur2-split.js";
import { awsAccountId, type BillingFormat, ident } from "./format.js";

/**
 * AWS Cost and Usage Report 2.0 (Data Exports, table COST_AND_USAGE_REPORT), Parquet or CSV(.gz).
 * The same snake_case names are used by a legacy CUR delivered for Athena (Parquet), which is read too:
 * its product attributes are plain columns (product_product_name, product_region) and its tags are one
 * column per key (resource_tags_user_team). Legacy CSV headers (lineItem/UnblendedCost) are not read.
 *
 * In CUR 2.0 `product` and `resource_tags` are MAP(VARCHAR, VARCHAR) columns in Parquet and JSON text
 * in CSV; both are read through one map expression ("product[k]" below means either). Empty strings
 * (Parquet writes '' for "no value") count as NULL everywhere. "type" below is line_item_line_item_type.
 *
 * Mapping (FOCUS column <- CUR 2.0):
 *
 * | FOCUS column | CUR 2.0 expression |
 * | --- | --- |
 * | BilledCost | line_item_unblended_cost, on every row, so the sum is the invoice (SavingsPlanCoveredUsage at on-demand and its SavingsPlanNegation cancel out; EdpDiscount, BundledDiscount, Credit, Refund, Tax rows carry their own amounts). The line_item_net_* columns are not used: they spread the same discounts that the discount rows already carry. |
 * | EffectiveCost | amortized cost, as Cost Explorer's "amortized": SavingsPlanCoveredUsage -> savings_plan_savings_plan_effective_cost; DiscountedUsage -> reservation_effective_cost; SavingsPlanRecurringFee, RIFee, SavingsPlanNegation, SavingsPlanUpfrontFee and Fee with a reservation_reservation_a_r_n (RI upfront) -> 0; the Unused row of a split fee (see below) -> the unused part: savings_plan_total_commitment_to_date - savings_plan_used_commitment, or reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee; every other row -> BilledCost. A missing amount on an amortized row counts as 0. Where an export lacks a family's amortization columns (Savings Plans: effective cost, total commitment, used commitment; RIs: effective cost, both unused fees, the ARN), that family's rows keep EffectiveCost = BilledCost and its fee is not split, so the total never double counts (and used and unused cannot be told apart). |
 * | ListCost | DiscountedUsage, SavingsPlanCoveredUsage -> pricing_public_on_demand_cost (required: without it the load is refused, naming the row); Usage -> pricing_public_on_demand_cost, else BilledCost; the Unused row -> 0; SavingsPlanNegation and discount rows (BundledDiscount, EdpDiscount, PrivateRateDiscount, RiVolumeDiscount, DistributorDiscount, Discount) -> 0; all other rows -> BilledCost |
 * | ListUnitPrice | pricing_public_on_demand_rate (a string in CUR; non-numbers are NULL) on usage rows, else NULL |
 * | ContractedCost | Usage and SavingsPlanCoveredUsage -> BilledCost (the rate before commitment discounts); DiscountedUsage -> pricing_public_on_demand_cost (CUR bills it at 0); SavingsPlanNegation -> 0; all other rows -> BilledCost |
 * | ContractedUnitPrice | Usage and SavingsPlanCoveredUsage -> line_item_unblended_rate; DiscountedUsage -> pricing_public_on_demand_rate; else NULL |
 * | ChargeCategory | Usage, DiscountedUsage, SavingsPlanCoveredUsage, SavingsPlanNegation and the discount rows -> 'Usage'; Fee, RIFee, SavingsPlanRecurringFee, SavingsPlanUpfrontFee -> 'Purchase'; Tax -> 'Tax'; Credit -> 'Credit'; Refund and any unknown type -> 'Adjustment' |
 * | ChargeClass | 'Correction' for Refund rows, rows of bill_bill_type 'Refund', and rows whose line_item_usage_start_date is before bill_billing_period_start_date (a charge for an earlier period); else NULL |
 * | ChargeFrequency | usage and discount rows -> 'Usage-Based'; RIFee, SavingsPlanRecurringFee -> 'Recurring'; SavingsPlanUpfrontFee, Fee with bill_bill_type 'Purchase' or with a reservation ARN, Tax, Credit, Refund -> 'One-Time'; other Fee (e.g. support) -> 'Recurring' |
 * | ChargeDescription | line_item_line_item_description |
 * | ChargePeriodStart / ChargePeriodEnd | line_item_usage_start_date / line_item_usage_end_date (TIMESTAMPTZ read, stored as UTC TIMESTAMP) |
 * | BillingPeriodStart / BillingPeriodEnd | bill_billing_period_start_date / bill_billing_period_end_date (same) |
 * | BillingAccountId | bill_payer_account_id, left-padded to 12 digits when an exporter dropped leading zeros |
 * | BillingAccountName | bill_payer_account_name |
 * | SubAccountId | line_item_usage_account_id, padded as above |
 * | SubAccountName | line_item_usage_account_name |
 * | BillingAccountType / SubAccountType | NULL (CUR has no such label) |
 * | BillingCurrency | upper(line_item_currency_code) |
 * | PricingCurrency | upper(pricing_currency) |
 * | InvoiceId | bill_invoice_id (blank until the bill is final) |
 * | InvoiceIssuerName | bill_invoicing_entity (e.g. 'Amazon Web Services, Inc.'), else 'Amazon Web Services' |
 * | ProviderName | 'AWS' (constant: it keys the replacement of an earlier load of the same month) |
 * | PublisherName | bill_billing_entity 'AWS Marketplace' -> line_item_legal_entity (the seller), else 'AWS Marketplace'; otherwise 'AWS' |
 * | ServiceName | product['product_name'] (e.g. 'Amazon Elastic Compute Cloud', also for EBS volumes and NAT gateways, which CUR bills under AmazonEC2), else product_product_name (legacy), else line_item_product_code |
 * | ServiceCategory | FOCUS category by line_item_product_code from a fixed table (AmazonEC2 -> Compute, AmazonS3 -> Storage, AmazonVPC -> Networking, ...); unknown codes and Marketplace products -> 'Other' |
 * | ServiceSubcategory | NULL |
 * | RegionId | product_region_code, else product['region'] / product_region (legacy) |
 * | RegionName | product_location (e.g. 'US East (N. Virginia)') when RegionId is known |
 * | AvailabilityZone | line_item_availability_zone |
 * | ResourceId | line_item_resource_id (instance id, volume id, bucket name, ARN...) |
 * | ResourceName / ResourceType | NULL |
 * | SkuId | product_sku |
 * | SkuPriceId | pricing_rate_code, else pricing_rate_id |
 * | SkuMeter | line_item_usage_type (e.g. 'USE1-NatGateway-Bytes'), the metered dimension |
 * | PricingCategory | DiscountedUsage, SavingsPlanCoveredUsage, SavingsPlanNegation -> 'Committed'; Usage with pricing_term 'Spot' or a usage type containing 'SpotUsage' -> 'Dynamic'; other Usage and purchases -> 'Standard'; discount rows -> 'Other'; Tax, Credit, Refund and unknown types -> NULL |
 * | PricingQuantity | line_item_usage_amount on usage rows and purchases (Fee, RIFee, SavingsPlan*Fee); NULL on SavingsPlanNegation and discount rows (the quantity is already on the usage row), Tax, Credit, Refund and unknown types |
 * | PricingUnit | pricing_unit |
 * | ConsumedQuantity | line_item_usage_amount on Usage, DiscountedUsage and SavingsPlanCoveredUsage rows, else NULL |
 * | ConsumedUnit | pricing_unit on those rows, else NULL |
 * | CommitmentDiscountId | savings_plan_savings_plan_a_r_n on the four SavingsPlan* types; reservation_reservation_a_r_n on DiscountedUsage, RIFee and Fee rows. A SavingsPlan*, DiscountedUsage or RIFee row without it refuses the load (file, row, column named) |
 * | CommitmentDiscountType | 'Savings Plan' on SavingsPlan* rows, 'Reserved Instance' on DiscountedUsage, RIFee and Fee rows with a reservation ARN (by line item type, so a row without its ARN is a commitment row without its id) |
 * | CommitmentDiscountCategory | 'Spend' (Savings Plan) or 'Usage' (Reserved Instance), on the same rows |
 * | CommitmentDiscountStatus | 'Used' on SavingsPlanCoveredUsage, SavingsPlanNegation and DiscountedUsage rows; 'Unused' on the Unused row of a split fee; NULL on the purchase rows (fees) and all others |
 * | (second row) | A SavingsPlanRecurringFee or RIFee row, where the export has its family's amortization columns, is two billing rows, as FOCUS has it: the purchase (the mapping above: ChargeCategory 'Purchase', BilledCost = the fee, EffectiveCost 0) and the commitment's unused part: ChargeCategory 'Usage', ChargeFrequency 'Usage-Based', PricingCategory 'Committed', CommitmentDiscountStatus 'Unused', BilledCost, ListCost and ContractedCost 0, EffectiveCost = the unused amortized cost, unit prices, quantities and units NULL, every other column as the fee row's. Σ BilledCost and Σ EffectiveCost are those of the rows one by one. |
 * | CommitmentDiscountName / Quantity / Unit | NULL |
 * | CapacityReservationId | capacity_reservation_capacity_reservation_arn (present only when the export includes capacity reservation data) |
 * | CapacityReservationStatus | capacity_reservation_capacity_reservation_status, when it says used or unused |
 * | Tags | resource_tags (else the newer tags column, else legacy resource_tags_* columns) as a JSON object: 'user_' (or 'user:') prefixes are stripped (user_team -> team), the split cost allocation tags get AWS's keys (aws_eks_cluster_name -> aws:eks:cluster-name, cur2-split.ts), other AWS-generated 'aws_' keys become 'aws:' (aws_createdBy -> aws:createdBy), NULL values are dropped; an empty map, NULL or CSV text that is not a JSON object -> NULL |
 * | x_Split* | split cost allocation data (EKS pods, ECS tasks): split_line_item_* on split rows only, outside every FOCUS cost column (cur2-split.ts) |
 *
 * Each commitment the file names also gets its terms in commitment_terms (source 'cur2'), in the same
 * transaction: type, account, service (RIs), region, start and end, term ('1yr'/'3yr'), purchase option,
 * scope (the Savings Plan's offering type, or the reservation's zone or 'Region') and, for a Savings
 * Plan, the hourly commitment (cur2CommitmentTerms in cur2-commitments.ts says how each is read).
 */
export const cur2Format: BillingFormat = {
  name: "cur2",

  matches: (columns) => columns.has("line_item_unblended_cost") && columns.has("line_item_usage_start_date"),

  requiredColumns: [
    "line_item_unblended_cost",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "bill_billing_period_start_date",
    "bill_billing_period_end_date",
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_currency_code",
  ],

  notNullColumns: [
    "BilledCost",
    "EffectiveCost",
    "ChargePeriodStart",
    "BillingPeriodStart",
    "BillingAccountId",
    "BillingCurrency",
  ],

  notNullSources: {
    BilledCost: "line_item_unblended_cost",
    EffectiveCost: "line_item_unblended_cost",
    ChargePeriodStart: "line_item_usage_start_date",
    BillingPeriodStart: "bill_billing_period_start_date",
    BillingAccountId: "bill_payer_account_id",
    BillingCurrency: "line_item_currency_code",
  },

  sourceTypes: {
    // Timestamps: "Z" and offsets are accepted; the session zone is UTC.
    bill_billing_period_start_date: "TIMESTAMPTZ",
    bill_billing_period_end_date: "TIMESTAMPTZ",
    line_item_usage_start_date: "TIMESTAMPTZ",
    line_item_usage_end_date: "TIMESTAMPTZ",
    // A commitment's term (text in CUR 2.0: typed here so that a bad one is named like any bad value).
    reservation_start_time: "TIMESTAMPTZ",
    reservation_end_time: "TIMESTAMPTZ",
    savings_plan_start_time: "TIMESTAMPTZ",
    savings_plan_end_time: "TIMESTAMPTZ",
    // Account ids stay text (a Parquet writer may have made them numbers).
    bill_payer_account_id: "VARCHAR",
    line_item_usage_account_id: "VARCHAR",
    // Money, exact.
    line_item_unblended_cost: MONEY,
    pricing_public_on_demand_cost: MONEY,
    savings_plan_savings_plan_effective_cost: MONEY,
    savings_plan_total_commitment_to_date: MONEY,
    savings_plan_used_commitment: MONEY,
    reservation_effective_cost: MONEY,
    reservation_unused_amortized_upfront_fee_for_billing_period: MONEY,
    reservation_unused_recurring_fee: MONEY,
    // Quantities.
    line_item_usage_amount: "DOUBLE",
    // Split cost allocation data (cur2-split.ts).
    ...SPLIT_SOURCE_TYPES,
  },

  rowRules: (columns) => [...cur2RowRules(columns), ...splitRowRules(columns)],
  splitColumns,
  loadChecks: splitParentCheck,
  secondRow: unusedRowCondition,
  commitmentTerms: cur2CommitmentTerms,

  selectList(columns) {
    const s = new Source(columns);
    const type = s.text("line_item_line_item_type");
    const billed = s.money("line_item_unblended_cost");
    const publicCost = s.money("pricing_public_on_demand_cost");
    const riArn = s.text("reservation_reservation_a_r_n");
    const usageAmount = s.has("line_item_usage_amount")
      ? `CAST(${ident("line_item_usage_amount")} AS DOUBLE)`
      : "NULL";
    const billType = s.text("bill_bill_type");
    const is = (types: readonly string[]) => `${type} IN (${types.map(sqlLiteral).join(", ")})`;

    const list: Partial<Record<BillingColumn, string>> = {};

    // Money.
    list.BilledCost = billed;
    list.EffectiveCost = effectiveCost(s, type, billed, riArn);
    // Covered usage keeps a missing public cost NULL: the load refuses such a row (cur2RowRules).
    // A pod's or task's split row: 0, the node's row has the node's public cost (cur2-split.ts).
    list.ListCost = withoutSplitListCost(
      s,
      `CASE
      WHEN ${is(["DiscountedUsage", "SavingsPlanCoveredUsage"])} THEN ${publicCost}
      WHEN ${is(USAGE_TYPES)} THEN coalesce(${publicCost}, ${billed})
      WHEN ${is(OFFSET_TYPES)} THEN CAST(0 AS ${MONEY})
      ELSE ${billed} END`,
    );
    list.ListUnitPrice = `CASE WHEN ${is(USAGE_TYPES)} THEN ${s.rate("pricing_public_on_demand_rate")} END`;
    list.ContractedCost = `CASE
      WHEN ${type} = 'DiscountedUsage' THEN coalesce(${publicCost}, CAST(0 AS ${MONEY}))
      WHEN ${type} = 'SavingsPlanNegation' THEN CAST(0 AS ${MONEY})
      ELSE ${billed} END`;
    list.ContractedUnitPrice = `CASE
      WHEN ${is(["Usage", "SavingsPlanCoveredUsage"])} THEN ${s.rate("line_item_unblended_rate")}
      WHEN ${type} = 'DiscountedUsage' THEN ${s.rate("pricing_public_on_demand_rate")} END`;
    list.BillingCurrency = `upper(${s.text("line_item_currency_code")})`;
    list.PricingCurrency = `upper(${s.text("pricing_currency")})`;

    // The charge.
    list.ChargeCategory = `CASE
      WHEN ${is([...USAGE_TYPES, ...OFFSET_TYPES])} THEN 'Usage'
      WHEN ${is(PURCHASE_TYPES)} THEN 'Purchase'
      WHEN ${type} = 'Tax' THEN 'Tax'
      WHEN ${type} = 'Credit' THEN 'Credit'
      ELSE 'Adjustment' END`;
    list.ChargeClass = `CASE WHEN ${type} = 'Refund' OR ${billType} = 'Refund'
      OR ${s.timestamp("line_item_usage_start_date")} < ${s.timestamp("bill_billing_period_start_date")}
      THEN 'Correction' END`;
    list.ChargeFrequency = `CASE
      WHEN ${is([...USAGE_TYPES, ...OFFSET_TYPES])} THEN 'Usage-Based'
      WHEN ${is(["RIFee", "SavingsPlanRecurringFee"])} THEN 'Recurring'
      WHEN ${type} = 'Fee' AND (${billType} = 'Purchase' OR ${riArn} IS NOT NULL) THEN 'One-Time'
      WHEN ${type} = 'Fee' THEN 'Recurring'
      ELSE 'One-Time' END`;
    list.ChargeDescription = s.text("line_item_line_item_description");
    list.ChargePeriodStart = s.timestamp("line_item_usage_start_date");
    list.ChargePeriodEnd = s.timestamp("line_item_usage_end_date");
    list.BillingPeriodStart = s.timestamp("bill_billing_period_start_date");
    list.BillingPeriodEnd = s.timestamp("bill_billing_period_end_date");

    // Who.
    list.ProviderName = "'AWS'";
    list.BillingAccountId = awsAccountId(s.text("bill_payer_account_id"), "'AWS'");
    list.BillingAccountName = s.text("bill_payer_account_name");
    list.SubAccountId = awsAccountId(s.text("line_item_usage_account_id"), "'AWS'");
    list.SubAccountName = s.text("line_item_usage_account_name");
    list.InvoiceId = s.text("bill_invoice_id");
    list.InvoiceIssuerName = `coalesce(${s.text("bill_invoicing_entity")}, 'Amazon Web Services')`;
    list.PublisherName = `CASE WHEN ${s.text("bill_billing_entity")} = 'AWS Marketplace'
      THEN coalesce(${s.text("line_item_legal_entity")}, 'AWS Marketplace') ELSE 'AWS' END`;

    // What and where.
    const productCode = s.text("line_item_product_code");
    list.ServiceName = serviceName(s);
    list.ServiceCategory = serviceCategory(productCode);
    const region = regionId(s);
    list.RegionId = region;
    list.RegionName = `CASE WHEN ${region} IS NOT NULL THEN ${s.text("product_location")} END`;
    list.AvailabilityZone = s.text("line_item_availability_zone");
    list.ResourceId = s.text("line_item_resource_id");
    list.SkuId = s.text("product_sku");
    list.SkuPriceId = `coalesce(${s.text("pricing_rate_code")}, ${s.text("pricing_rate_id")})`;
    list.SkuMeter = s.text("line_item_usage_type");

    // Pricing and quantities.
    list.PricingCategory = `CASE
      WHEN ${is(["DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation"])} THEN 'Committed'
      WHEN ${type} = 'Usage' AND (lower(${s.text("pricing_term")}) = 'spot'
        OR ${s.text("line_item_usage_type")} LIKE '%SpotUsage%') THEN 'Dynamic'
      WHEN ${is(["Usage", ...PURCHASE_TYPES])} THEN 'Standard'
      WHEN ${is(OFFSET_TYPES)} THEN 'Other' END`;
    list.PricingQuantity = `CASE WHEN ${is([...USAGE_TYPES, ...PURCHASE_TYPES])} THEN ${usageAmount} END`;
    list.PricingUnit = s.text("pricing_unit");
    list.ConsumedQuantity = `CASE WHEN ${is(USAGE_TYPES)} THEN ${usageAmount} END`;
    list.ConsumedUnit = `CASE WHEN ${is(USAGE_TYPES)} THEN ${s.text("pricing_unit")} END`;

    // Commitments, and the unused part of a commitment's fee as a second row (cur2-commitments.ts).
    Object.assign(list, commitmentColumns(s));
    list.CapacityReservationId = s.text("capacity_reservation_capacity_reservation_arn");
    list.CapacityReservationStatus = `CASE lower(${s.text("capacity_reservation_capacity_reservation_status")})
      WHEN 'used' THEN 'Used' WHEN 'unused' THEN 'Unused' END`;

    list.Tags = tags(s);
    addUnusedRow(list, s);
    return list;
  },
};

/** Rows that consume a service: the quantity and the on-demand price live here. */
const USAGE_TYPES = ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"] as const;
/** Rows that only offset usage rows' money: Savings Plans' negation and the negotiated discounts. */
const OFFSET_TYPES = [
  "SavingsPlanNegation",
  "BundledDiscount",
  "EdpDiscount",
  "PrivateRateDiscount",
  "RiVolumeDiscount",
  "DistributorDiscount",
  "Discount",
] as const;
const PURCHASE_TYPES = ["Fee", "RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee"] as const;

/**
 * Tags as a FOCUS-style JSON object. The map is bound once through a one-element list so the long
 * parse expression is not repeated: [map] -> m -> normalised, de-duplicated entries -> JSON.
 */
function tags(s: Source): string {
  const source = s.has("resource_tags")
    ? s.map("resource_tags")
    : s.has("tags")
      ? s.map("tags")
      : s.legacyTagMap();
  if (!source) return "NULL";
  const key = `CASE
      ${splitTagKeyCases("e.key")}
      WHEN starts_with(e.key, 'user_') OR starts_with(e.key, 'user:') THEN substr(e.key, 6)
      WHEN starts_with(e.key, 'aws_') THEN 'aws:' || substr(e.key, 5)
      ELSE e.key END`;
  const entries = `list_filter(
      list_transform(map_entries(m), e -> {'key': ${key}, 'value': e.value}),
      e -> e.value IS NOT NULL AND e.key <> '')`;
  // Two source keys could normalise to one key (user_team and team); the first wins.
  const unique = `list_filter(es, (e, i) -> list_position(list_transform(es, x -> x.key), e.key) = i)`;
  return `list_transform([${source}], m -> list_transform([${entries}], es ->
      CASE WHEN len(es) > 0 THEN to_json(map_from_entries(${unique})) END)[1])[1]`;
}
