/**
 * The demo estate's commitments as the inventory collectors record them: EC2's DescribeReservedInstances
 * of one account and region (one unpaginated page, empty where there are none, as EC2 answers), and
 * DescribeSavingsPlans of one account (the global API, under "global", every page). From the estate's
 * reservations and Savings Plans (estate-compute.ts, estate-commitments.ts), the same ARNs the bill's
 * commitment rows carry, with each one's state at the replay's instant. The estate does not tag them.
 */
import type { Estate } from "./estate.js";
import type { Reservation, SavingsPlan } from "./estate-types.js";
import { isoOf, type PageWriter, paginate, type ScopeOf } from "./replay-pages.js";

const YEAR_SECONDS = 365 * 86_400;

/** A commitment's state at `at`: queued before its start, retired from its end, active between. */
function stateAt(startAt: string, endAt: string, at: number): "queued" | "active" | "retired" {
  if (at < Date.parse(startAt)) return "queued";
  return at < Date.parse(endAt) ? "active" : "retired";
}

/** Bought by `at` (a reservation or plan bought later does not exist yet). */
const boughtBy = (startAt: string, at: number) => Date.parse(startAt) <= at;

/** Writes DescribeReservedInstances of one account and region; returns how many reservations it lists. */
export async function writeReservationPages(
  writer: PageWriter,
  scope: ScopeOf,
  estate: Estate,
  where: { account: string; region: string; at: number },
): Promise<number> {
  const listed = estate.reservations.filter(
    (r) => r.account === where.account && r.region === where.region && boughtBy(r.startAt, where.at),
  );
  await writer.page(scope("ec2", "DescribeReservedInstances"), [
    { ReservedInstances: listed.map((r) => reservedInstances(r, where.at)) },
  ]);
  return listed.length;
}

function reservedInstances(r: Reservation, at: number): object {
  return {
    ReservedInstancesId: r.id,
    InstanceType: r.instanceType,
    Start: isoOf(r.startAt),
    End: isoOf(r.endAt),
    Duration: r.termYears * YEAR_SECONDS,
    UsagePrice: 0,
    // The estate's upfront pays for all of its instances; the API gives one instance's price.
    FixedPrice: Math.round((r.upfront / r.count) * 1e6) / 1e6,
    InstanceCount: r.count,
    ProductDescription: "Linux/UNIX",
    State: stateAt(r.startAt, r.endAt, at),
    InstanceTenancy: "default",
    CurrencyCode: "USD",
    OfferingType: r.offeringType,
    RecurringCharges: r.recurringHourly > 0 ? [{ Amount: r.recurringHourly, Frequency: "Hourly" }] : [],
    OfferingClass: "standard",
    Scope: "Region",
  };
}

/** Writes DescribeSavingsPlans of one account in pages of `size`; returns how many plans it lists. */
export async function writeSavingsPlanPages(
  writer: PageWriter,
  global: ScopeOf,
  estate: Estate,
  where: { account: string; at: number },
  size: number,
): Promise<number> {
  const listed = estate.savingsPlans.filter(
    (p) => p.account === where.account && boughtBy(p.startAt, where.at),
  );
  await writer.page(
    global("savingsplans", "DescribeSavingsPlans"),
    paginate(
      listed.map((p) => savingsPlan(p, where.at)),
      size,
      (savingsPlans, nextToken) => ({ savingsPlans, ...(nextToken ? { nextToken } : {}) }),
    ),
  );
  return listed.length;
}

function savingsPlan(plan: SavingsPlan, at: number): object {
  const hourly = String(plan.hourlyCommitment);
  // The estate's plans are one-year No Upfront Compute plans (the bill's fee rows say so).
  return {
    savingsPlanId: plan.id,
    savingsPlanArn: plan.arn,
    description: `1 year No Upfront Compute Savings Plan (${plan.name})`,
    start: isoOf(plan.startAt),
    end: isoOf(plan.endAt),
    state: stateAt(plan.startAt, plan.endAt, at),
    savingsPlanType: "Compute",
    paymentOption: "No Upfront",
    productTypes: ["EC2", "Fargate", "Lambda"],
    currency: "USD",
    commitment: hourly,
    upfrontPaymentAmount: "0",
    recurringPaymentAmount: hourly,
    termDurationInSeconds: YEAR_SECONDS,
  };
}
