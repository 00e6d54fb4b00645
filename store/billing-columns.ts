/**
 * The billing table's FOCUS columns (the union of FOCUS 1.0 to 1.2 that this engine keeps) and their
 * DuckDB types. Money is DECIMAL so sums are exact; timestamps are UTC.
 * Every billing source (FOCUS file, CUR 2.0 file, Cost Explorer) is mapped onto exactly these columns.
 */
export const MONEY = "DECIMAL(38,12)";

export const BILLING_COLUMNS = {
  AvailabilityZone: "VARCHAR",
  BilledCost: MONEY,
  BillingAccountId: "VARCHAR",
  BillingAccountName: "VARCHAR",
  BillingAccountType: "VARCHAR",
  BillingCurrency: "VARCHAR",
  BillingPeriodEnd: "TIMESTAMP",
  BillingPeriodStart: "TIMESTAMP",
  CapacityReservationId: "VARCHAR",
  CapacityReservationStatus: "VARCHAR",
  ChargeCategory: "VARCHAR",
  ChargeClass: "VARCHAR",
  ChargeDescription: "VARCHAR",
  ChargeFrequency: "VARCHAR",
  ChargePeriodEnd: "TIMESTAMP",
  ChargePeriodStart: "TIMESTAMP",
  CommitmentDiscountCategory: "VARCHAR",
  CommitmentDiscountId: "VARCHAR",
  CommitmentDiscountName: "VARCHAR",
  CommitmentDiscountQuantity: "DOUBLE",
  CommitmentDiscountStatus: "VARCHAR",
  CommitmentDiscountType: "VARCHAR",
  CommitmentDiscountUnit: "VARCHAR",
  ConsumedQuantity: "DOUBLE",
  ConsumedUnit: "VARCHAR",
  ContractedCost: MONEY,
  ContractedUnitPrice: MONEY,
  EffectiveCost: MONEY,
  InvoiceId: "VARCHAR",
  InvoiceIssuerName: "VARCHAR",
  ListCost: MONEY,
  ListUnitPrice: MONEY,
  PricingCategory: "VARCHAR",
  PricingCurrency: "VARCHAR",
  PricingQuantity: "DOUBLE",
  PricingUnit: "VARCHAR",
  ProviderName: "VARCHAR",
  PublisherName: "VARCHAR",
  RegionId: "VARCHAR",
  RegionName: "VARCHAR",
  ResourceId: "VARCHAR",
  ResourceName: "VARCHAR",
  ResourceType: "VARCHAR",
  ServiceCategory: "VARCHAR",
  ServiceName: "VARCHAR",
  ServiceSubcategory: "VARCHAR",
  SkuId: "VARCHAR",
  SkuMeter: "VARCHAR",
  SkuPriceId: "VARCHAR",
  SubAccountId: "VARCHAR",
  SubAccountName: "VARCHAR",
  SubAccountType: "VARCHAR",
  Tags: "JSON",
} as const;

export type BillingColumn = keyof typeof BILLING_COLUMNS;
export const BILLING_COLUMN_NAMES = Object.keys(BILLING_COLUMNS) as BillingColumn[];

/**
 * Split cost allocation data (CUR 2.0's split_line_item_* columns, on the pod rows of EKS and the task
 * rows of ECS): custom columns next to the FOCUS ones, x_-prefixed as FOCUS's custom-column rule says
 * (FOCUS has no split columns). They are allocation, not money billed: the node's own row keeps its cost
 * in BilledCost and EffectiveCost, and these say how that cost divides among the pods that ran on it.
 * NULL on every row of another kind and of every other source.
 */
export const SPLIT_COLUMNS = {
  x_SplitParentResourceId: "VARCHAR",
  x_SplitCost: MONEY,
  x_SplitUnusedCost: MONEY,
  x_SplitNetCost: MONEY,
  x_SplitNetUnusedCost: MONEY,
  x_SplitPublicOnDemandCost: MONEY,
  x_SplitPublicOnDemandUnusedCost: MONEY,
  x_SplitUsage: "DOUBLE",
  x_SplitReservedUsage: "DOUBLE",
  x_SplitActualUsage: "DOUBLE",
  x_SplitUsageRatio: "DOUBLE",
} as const;

export type SplitColumn = keyof typeof SPLIT_COLUMNS;

/** Where a billing row came from: `x_Source` in the billing table. */
export type BillingSource = "focus" | "cur2" | "cost-explorer";
