import { attributeText, termFromSeconds } from "./commitment-terms.js";
import type { ResourceDescriptor } from "./types.js";

/**
 * A Savings Plan (DescribeSavingsPlans, an account-wide API): an hourly spend committed for a term.
 * Identified by its ARN, the bill's CommitmentDiscountId and ResourceId for it. No unit price basis: its
 * monthly cost is its bill's rows (the unused commitment's EffectiveCost).
 */
export const savingsPlan: ResourceDescriptor = {
  type: "savingsplans:savings-plan",
  displayName: { one: "Savings Plan", many: "Savings Plans" },
  id: {
    pattern: /^arn:aws[a-z-]*:savingsplans::\d{12}:savingsplan\/[A-Za-z0-9-]+$/,
    example: "arn:aws:savingsplans::111122223333:savingsplan/3b4a1c7e-62d1-4b1f-9f8e-5d7a0c2e9f10",
  },
  // The ARN names the buying account and no region: a Compute plan applies in every region.
  arn: { service: "savingsplans", arnType: "savingsplan", scope: "account", idIsArn: true },
  attributes: {
    savingsPlanId: "VARCHAR",
    /** 'Compute' | 'EC2Instance' | 'SageMaker' | 'Database'. */
    savingsPlanType: "VARCHAR",
    /** 'No Upfront' | 'Partial Upfront' | 'All Upfront'. */
    paymentOption: "VARCHAR",
    /** The $/hour committed, and the payments, as decimal text. */
    commitment: "VARCHAR",
    upfrontPaymentAmount: "VARCHAR",
    recurringPaymentAmount: "VARCHAR",
    currency: "VARCHAR",
    start: "TIMESTAMP",
    end: "TIMESTAMP",
    termDurationInSeconds: "BIGINT",
    ec2InstanceFamily: "VARCHAR",
    /** The region an EC2 Instance plan is bought for; null for plans of every region (Compute). */
    region: "VARCHAR",
  },
  commitment: {
    type: "Savings Plan",
    // A Compute plan covers EC2, Fargate and Lambda alike: no one service, as CUR 2.0's terms say.
    service: "NULL",
    region: attributeText("region"),
    startAt: attributeText("start"),
    endAt: attributeText("end"),
    term: termFromSeconds("termDurationInSeconds"),
    purchaseOption: attributeText("paymentOption"),
    // CUR 2.0's savings_plan_offering_type spelling (ComputeSavingsPlans, EC2InstanceSavingsPlans).
    scope: `${attributeText("savingsPlanType")} || 'SavingsPlans'`,
    hourlyCommitment: attributeText("commitment"),
  },
  // The Savings Plans console is global; the page takes the region of the console's session.
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/costmanagement/home?region=${encodeURIComponent(region === "global" ? "us-east-1" : region)}#/savings-plans/inventory/${encodeURIComponent(id.split("/").pop() ?? id)}`,
};
