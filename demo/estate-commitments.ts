/**
 * The estate's commitments beyond its first Savings Plan (estate-compute.ts): three EC2 reservations and
 * a second Compute Savings Plan, so that `finops commitments` has both kinds to show, some underused and
 * one expiring. Drawn from a stream of their own after every other record, so the records before them
 * stay as they were; they cover steady instances that nothing else covers.
 */
import { DAY_MS, type Instance } from "./estate.js";
import type { BuildContext, Ec2Estate, Reservation } from "./estate-types.js";
import { WINDOW_DAYS } from "./lifecycle.js";
import { instanceHourly, SAVINGS_PLAN_RATE } from "./prices.js";

/** Amortized hourly cost of a one-year reservation as a share of on demand, by payment option. */
const RESERVATION_RATE: Record<Reservation["offeringType"], number> = {
  "No Upfront": 0.64,
  "Partial Upfront": 0.62,
  "All Upfront": 0.6,
};

interface Plan {
  /** Name and role in the demo. */
  name: string;
  offeringType: Reservation["offeringType"];
  /** Days before the anchor it started (one-year terms: a start 345 days ago ends 20 days after the anchor). */
  startedDaysAgo: number;
  /** Instances covered, and reserved beyond them (what goes unused). */
  covered: number;
  spare: number;
}

const RESERVATIONS: Plan[] = [
  { name: "well used", offeringType: "Partial Upfront", startedDaysAgo: 300, covered: 3, spare: 0 },
  { name: "underused", offeringType: "No Upfront", startedDaysAgo: 120, covered: 2, spare: 2 },
  { name: "expiring", offeringType: "All Upfront", startedDaysAgo: 345, covered: 2, spare: 0 },
];

/** Adds the reservations and the second, underused Savings Plan to the estate; marks what they cover. */
export function addCommitments(ctx: BuildContext, ec2: Ec2Estate): void {
  const { rng } = ctx;
  const windowStart = ctx.anchorMs - WINDOW_DAYS * DAY_MS;
  const steady = ec2.instances.filter(
    (i) =>
      i.market === "on-demand" &&
      i.kubernetes === null &&
      i.deletedAt === null &&
      i.stoppedAt === null &&
      i.schedule === "always" &&
      i.savingsPlanId === null &&
      i.reservationId === undefined &&
      Date.parse(i.createdAt) < windowStart,
  );
  const groups = new Map<string, Instance[]>();
  for (const instance of steady) {
    const key = `${instance.account}|${instance.region}|${instance.instanceType}`;
    groups.set(key, [...(groups.get(key) ?? []), instance]);
  }
  // Largest groups first, then by key: the same choice for the same estate.
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [index, plan] of RESERVATIONS.entries()) {
    const group = ordered[index]?.[1];
    if (!group || group.length === 0) continue;
    const covered = group.slice(0, plan.covered);
    const first = covered[0] as Instance;
    const id = rng.uuid();
    const onDemand = instanceHourly(first.instanceType, first.region);
    const effectiveHourly = round(onDemand * RESERVATION_RATE[plan.offeringType]);
    const upfrontShare = { "No Upfront": 0, "Partial Upfront": 0.5, "All Upfront": 1 }[plan.offeringType];
    const count = covered.length + plan.spare;
    const reservation: Reservation = {
      id,
      arn: `arn:aws:ec2:${first.region}:${first.account}:reserved-instances/${id}`,
      account: first.account,
      region: first.region,
      instanceType: first.instanceType,
      count,
      offeringType: plan.offeringType,
      termYears: 1,
      startAt: ctx.ago(plan.startedDaysAgo),
      endAt: ctx.ago(plan.startedDaysAgo - 365),
      effectiveHourly,
      recurringHourly: round(effectiveHourly * (1 - upfrontShare)),
      upfront: round(effectiveHourly * upfrontShare * 8760 * count),
    };
    for (const instance of covered) instance.reservationId = id;
    ec2.reservations.push(reservation);
  }
  // A second Compute Savings Plan, bought for a migration that did not come: it commits 1.6 times what
  // its four instances use.
  const rest = ordered.slice(RESERVATIONS.length).flatMap(([, group]) => group);
  const covered = rest.filter((i) => i.reservationId === undefined).slice(0, 4);
  if (covered.length === 0) return;
  const account = covered[0]?.account as string;
  let hourly = 0;
  for (const instance of covered) {
    hourly += instanceHourly(instance.instanceType, instance.region) * SAVINGS_PLAN_RATE;
  }
  const id = rng.uuid();
  for (const instance of covered) instance.savingsPlanId = id;
  ec2.savingsPlans.push({
    id,
    arn: `arn:aws:savingsplans::${account}:savingsplan/${id}`,
    account,
    name: "compute-sp-migration",
    type: "Compute Savings Plans",
    hourlyCommitment: Math.ceil(hourly * 1.6 * 100) / 100,
    rate: SAVINGS_PLAN_RATE,
    startAt: ctx.ago(150),
    endAt: ctx.ago(150 - 365),
  });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
