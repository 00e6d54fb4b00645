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

/** Where a billing row came from: `x_Source` in the billing table. */
export type BillingSource = "focus" | "cur2" | "cost-explorer";
