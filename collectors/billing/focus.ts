import {
  BILLING_COLUMNS,
  type BillingColumn,
  MONEY,
  SPLIT_COLUMNS,
  type SplitColumn,
} from "../../store/billing-columns.js";
import { focusRowRules } from "./commitment-rules.js";
import { awsAccountId, type BillingFormat, ident, type SourceColumns } from "./format.js";
import {
  type SplitSpec,
  splitParentCheck,
  splitRowRules,
  splitRowsBillNothing,
  splitSelect,
} from "./split-rows.js";

/**
 * Split cost allocation data (EKS pods, ECS tasks) in a FOCUS file: FOCUS has no split columns, so a
 * provider's are custom x_ columns, and finops's own names are the ones read (x_SplitParentResourceId,
 * x_SplitCost, x_SplitUnusedCost, ...; store/billing-columns.ts SPLIT_COLUMNS). They load and are checked
 * as CUR 2.0's split_line_item_* columns are (split-rows.ts); a split row must bill nothing itself.
 */
const FOCUS_SPLIT: SplitSpec = {
  format: "focus",
  columns: Object.fromEntries(Object.keys(SPLIT_COLUMNS).map((name) => [name, name])) as Record<
    SplitColumn,
    string
  >,
  resourceId: "ResourceId",
  chargePeriodStart: "ChargePeriodStart",
  period: "charge period",
  tagColumns: ["Tags"],
  clusterTagKeys: ["aws:eks:cluster-name"],
};

/**
 * FOCUS 1.0 to 1.2 exports: the columns already have the billing table's names, so the mapping is
 * mostly identity; the reader types the values and a few columns are normalised.
 */
export const focusFormat: BillingFormat = {
  name: "focus",

  // A FOCUS header with a column missing is still FOCUS (and fails for the missing column, by name).
  matches: (columns) => Object.keys(BILLING_COLUMNS).filter((name) => columns.has(name)).length >= 6,

  requiredColumns: [
    "BilledCost",
    "EffectiveCost",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "BillingAccountId",
    "BillingCurrency",
    "ServiceName",
  ],

  notNullColumns: ["BilledCost", "EffectiveCost", "ChargePeriodStart", "BillingPeriodStart"],

  rowRules: (columns) => [
    ...focusRowRules(columns),
    ...splitRowRules(FOCUS_SPLIT, columns),
    ...splitRowsBillNothing(FOCUS_SPLIT, columns, ["BilledCost", "EffectiveCost", "ListCost"]),
  ],
  splitColumns: (columns) => splitSelect(FOCUS_SPLIT, columns),
  loadChecks: splitParentCheck(FOCUS_SPLIT),

  sourceTypes: Object.fromEntries(
    Object.entries({ ...BILLING_COLUMNS, ...SPLIT_COLUMNS }).map(([name, type]) => [name, readerType(type)]),
  ),

  selectList(columns) {
    const list: Partial<Record<BillingColumn, string>> = {};
    for (const [name, type] of Object.entries(BILLING_COLUMNS) as [BillingColumn, string][]) {
      if (columns.has(name)) list[name] = cast(name, type, columns);
    }
    // FOCUS 1.3 renamed ProviderName to ServiceProviderName.
    const provider = columns.has("ProviderName")
      ? cast("ProviderName", "VARCHAR", columns)
      : columns.has("ServiceProviderName")
        ? cast("ServiceProviderName", "VARCHAR", columns)
        : "NULL";
    list.ProviderName = provider;
    if (columns.has("SubAccountId"))
      list.SubAccountId = awsAccountId(cast("SubAccountId", "VARCHAR", columns), provider);
    return list;
  },
};

function readerType(type: string): string {
  if (type === "TIMESTAMP") return "TIMESTAMPTZ"; // accepts "Z" and offsets; the session zone is UTC
  if (type === "JSON") return "VARCHAR";
  return type;
}

function cast(name: string, type: string, columns: SourceColumns): string {
  const column = ident(name);
  if (type === "JSON") {
    // A Parquet export may hold Tags as a MAP; a CSV export holds JSON text.
    const sourceType = columns.get(name) ?? "VARCHAR";
    return sourceType.startsWith("MAP") || sourceType.startsWith("STRUCT")
      ? `to_json(${column})`
      : `CAST(${column} AS JSON)`;
  }
  // '' is no value, as the CSV reader reads it: a Parquet export writes '' where a CSV one leaves the
  // field empty, and both must load the same rows (CommitmentDiscountId '' is no commitment).
  if (type === "VARCHAR") return `NULLIF(CAST(${column} AS VARCHAR), '')`;
  if (type === MONEY || type === "DOUBLE" || type === "TIMESTAMP") {
    return `CAST(${column} AS ${type})`;
  }
  return column;
}
