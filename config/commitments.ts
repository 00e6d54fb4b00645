import { z } from "zod";

// rules.yaml's commitments section: what `finops commitments`, the commitment rules and the faces
// read about Savings Plans and reservations.

/** The two kinds of commitment discount, named as FOCUS's CommitmentDiscountType names them. */
export const COMMITMENT_TYPES = ["Savings Plan", "Reserved Instance"] as const;
export type CommitmentType = (typeof COMMITMENT_TYPES)[number];

const eligibleUsageSchema = z.strictObject({
  /** Which commitment kind can cover this usage. */
  type: z.enum(COMMITMENT_TYPES),
  /** The billing's ServiceName, exactly (e.g. "Amazon Elastic Compute Cloud"). */
  service: z.string().min(1),
  /** SQL LIKE patterns over the usage type (FOCUS SkuMeter, CUR line_item_usage_type), e.g. "%BoxUsage%". */
  usageTypes: z.array(z.string().min(1)).min(1),
});
export type EligibleUsage = z.infer<typeof eligibleUsageSchema>;

/**
 * Usage that commitments can cover, by default: Compute Savings Plans cover EC2 instance hours, Fargate
 * and Lambda duration; reservations cover instance or node hours of EC2, RDS, ElastiCache, Redshift and
 * OpenSearch. Coverage, the effective savings rate and what to buy are measured over this usage only.
 */
export const DEFAULT_ELIGIBLE_USAGE: EligibleUsage[] = [
  {
    type: "Savings Plan",
    service: "Amazon Elastic Compute Cloud",
    usageTypes: ["%BoxUsage%", "%DedicatedUsage%", "%HostUsage%"],
  },
  {
    type: "Savings Plan",
    service: "Amazon Elastic Container Service",
    usageTypes: ["%Fargate-vCPU-Hours%", "%Fargate-GB-Hours%"],
  },
  {
    type: "Savings Plan",
    service: "Amazon Elastic Kubernetes Service",
    usageTypes: ["%Fargate-vCPU-Hours%", "%Fargate-GB-Hours%"],
  },
  {
    type: "Savings Plan",
    service: "AWS Lambda",
    usageTypes: ["%Lambda-GB-Second%", "%Lambda-Provisioned-GB-Second%"],
  },
  {
    type: "Reserved Instance",
    service: "Amazon Elastic Compute Cloud",
    usageTypes: ["%BoxUsage%", "%DedicatedUsage%"],
  },
  {
    type: "Reserved Instance",
    service: "Amazon Relational Database Service",
    usageTypes: ["%InstanceUsage%", "%Multi-AZUsage%"],
  },
  { type: "Reserved Instance", service: "Amazon ElastiCache", usageTypes: ["%NodeUsage%"] },
  { type: "Reserved Instance", service: "Amazon Redshift", usageTypes: ["%Node:%"] },
  { type: "Reserved Instance", service: "Amazon OpenSearch Service", usageTypes: ["%ESInstance%"] },
];

export const commitmentsSchema = z.strictObject({
  /** A commitment ending within this many days of now is listed as expiring. */
  expiryWarningDays: z.number().int().min(1).max(1095).default(45),
  /** Days of on-demand eligible spend the Savings Plan recommendation is computed from. */
  lookbackDays: z.number().int().min(1).max(365).default(30),
  /** Usage that commitments can cover (coverage, effective savings rate, what to buy). */
  eligibleUsage: z.array(eligibleUsageSchema).min(1).default(DEFAULT_ELIGIBLE_USAGE),
  /** What a recommended Savings Plan would be, and where its rates are read when the account has none. */
  purchase: z
    .strictObject({
      term: z.enum(["1yr", "3yr"]).default("1yr"),
      paymentOption: z.enum(["No Upfront", "Partial Upfront", "All Upfront"]).default("No Upfront"),
      /** The Price List's Compute Savings Plan offer index (its region files hold the rates). */
      offerIndexUrl: z
        .url()
        .default(
          "https://pricing.us-east-1.amazonaws.com/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json",
        ),
    })
    .default({
      term: "1yr",
      paymentOption: "No Upfront",
      offerIndexUrl:
        "https://pricing.us-east-1.amazonaws.com/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json",
    }),
});
export type CommitmentsConfig = z.infer<typeof commitmentsSchema>;
