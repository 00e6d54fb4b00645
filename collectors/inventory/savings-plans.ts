import {
  DescribeSavingsPlansCommand,
  type DescribeSavingsPlansCommandOutput,
  type SavingsPlan,
  SavingsplansClient,
} from "@aws-sdk/client-savingsplans";
import { clientFor } from "../../aws/clients.js";
import { parseArn } from "../../resources/arn.js";
import { savingsPlan } from "../../resources/savings-plan.js";
import { allPages } from "./calls.js";
import { instant, required } from "./commitment-values.js";
import type { CollectScope, InventoryCollector, ResourceRecord } from "./resource.js";

/** The region of account-wide calls in a record folder (as S3's ListBuckets). */
const GLOBAL = "global";

/**
 * The Savings Plans API has one endpoint for the whole partition: its calls are signed for us-east-1
 * whatever region the run starts from.
 */
const SAVINGS_PLANS_REGION = "us-east-1";

/**
 * An account's Savings Plans, once per account (the API is global), every page, in every state (active,
 * queued, retired, payment-pending, ...). Their terms also go to commitment_terms (the descriptor's
 * `commitment`), so that `finops commitments` knows when each ends where the bill does not say.
 */
export const savingsPlans: InventoryCollector = {
  name: "inventory:savings-plans",
  resource: savingsPlan,
  scope: "account",
  iamActions: ["savingsplans:DescribeSavingsPlans"],
  async collect(scope) {
    const client = clientFor(SavingsplansClient, scope, SAVINGS_PLANS_REGION);
    try {
      const pages = await allPages<DescribeSavingsPlansCommandOutput>(
        scope,
        {
          account: scope.account,
          region: GLOBAL,
          service: "savingsplans",
          operation: "DescribeSavingsPlans",
        },
        async (token) => {
          const page = await client.send(
            new DescribeSavingsPlansCommand({ maxResults: 1000, nextToken: token }),
          );
          return { page, next: page.nextToken };
        },
      );
      return pages.flatMap((page, index) =>
        (page.savingsPlans ?? []).map((plan) => planRecord(scope, plan, index + 1)),
      );
    } finally {
      client.destroy();
    }
  },
};

function planRecord(scope: CollectScope, plan: SavingsPlan, page: number): ResourceRecord {
  const where = `DescribeSavingsPlans ${scope.account} page ${page}`;
  const arn = required(plan.savingsPlanArn, where, "savingsPlanArn");
  const at = `${where} ${arn}`;
  const start = instant(required(plan.start, at, "start"), at, "start");
  const end = instant(required(plan.end, at, "end"), at, "end");
  return {
    resourceId: arn,
    resourceType: savingsPlan.type,
    // The API answers the caller's own plans: the account the collector ran for (and the ARN names).
    account: scope.account,
    // An EC2 Instance plan is bought for one region; a Compute plan applies in all of them.
    region: plan.region || GLOBAL,
    state: plan.state ?? null,
    stateSince: null,
    createdAt: start,
    tags: { ...(plan.tags ?? {}) },
    attributes: {
      savingsPlanId: plan.savingsPlanId ?? parseArn(arn)?.id ?? null,
      savingsPlanType: plan.savingsPlanType ?? null,
      paymentOption: plan.paymentOption ?? null,
      commitment: plan.commitment ?? null,
      upfrontPaymentAmount: plan.upfrontPaymentAmount ?? null,
      recurringPaymentAmount: plan.recurringPaymentAmount ?? null,
      currency: plan.currency ?? null,
      start,
      end,
      termDurationInSeconds: plan.termDurationInSeconds ?? null,
      ec2InstanceFamily: plan.ec2InstanceFamily || null,
      region: plan.region || null,
      productTypes: plan.productTypes ?? [],
      offeringId: plan.offeringId ?? null,
      description: plan.description ?? null,
    },
  };
}
