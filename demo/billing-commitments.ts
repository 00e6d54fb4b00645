/**
 * The demo bill's commitments in FOCUS terms: usage a Savings Plan or a reservation covers is a 'Used'
 * row (nothing billed, its amortized cost as EffectiveCost, the on-demand cost as ListCost); each day a
 * commitment is active brings its fee as a Purchase row (billed, EffectiveCost 0: its cost is amortized
 * onto the Used and Unused rows) and the part nobody used as an 'Unused' row. Σ EffectiveCost of a
 * commitment's Used and Unused rows is its amortized cost; Σ BilledCost is what the invoice charges.
 */
import type { Charge, Day, Emit, Subject } from "./billing-rows.js";
import { toUnits } from "./billing-rows.js";
import type { Estate, Instance } from "./estate.js";
import { SERVICES } from "./meters.js";

type Commitment = NonNullable<Charge["commitment"]>;

/** What each commitment covered on one day: Savings Plans in money units, reservations in hours. */
export type CoveredToday = Map<string, number>;

/** An instance's usage charge as its commitment covers it; the charge as it was when none does. */
export function coveredUsage(
  estate: Estate,
  instance: Instance,
  charge: Charge,
  covered: CoveredToday,
): Charge {
  const price = charge.listUnitPrice ?? 0;
  const hours = charge.quantity ?? 0;
  const reservation = instance.reservationId
    ? estate.reservations.find((r) => r.id === instance.reservationId)
    : undefined;
  if (reservation) {
    covered.set(reservation.id, (covered.get(reservation.id) ?? 0) + hours);
    return {
      ...charge,
      description: `${instance.instanceType} covered by reserved instances ${reservation.id}`,
      pricingCategory: "Committed",
      billed: 0,
      effective: toUnits(hours * reservation.effectiveHourly),
      commitment: reservationOf(reservation.arn, "Used"),
    };
  }
  const plan = instance.savingsPlanId
    ? estate.savingsPlans.find((s) => s.id === instance.savingsPlanId)
    : undefined;
  if (!plan) return charge;
  // Covered usage: nothing is billed for it (the plan's fee is), its effective cost is the plan's rate.
  const rate = Math.round(price * plan.rate * 1e10) / 1e10;
  const effective = toUnits(hours * rate);
  covered.set(plan.id, (covered.get(plan.id) ?? 0) + effective);
  return {
    ...charge,
    description: `${instance.instanceType} covered by ${plan.type} ${plan.name}`,
    pricingCategory: "Committed",
    billed: 0,
    effective,
    commitment: { id: plan.arn, name: plan.name, type: "Savings Plan", category: "Spend", status: "Used" },
  };
}

function reservationOf(arn: string, status: Commitment["status"]): Commitment {
  return { id: arn, name: null, type: "Reserved Instance", category: "Usage", status };
}

/** Hours of the day [startMs, startMs + 1 day) that lie within [start, end). */
function activeHours(d: Day, startAt: string, endAt: string): number {
  const from = Math.max(d.startMs, Date.parse(startAt));
  const to = Math.min(d.startMs + 86_400_000, Date.parse(endAt));
  return to > from ? (to - from) / 3_600_000 : 0;
}

/** Each active commitment's fee and unused part for the day. */
export function commitmentCharges(
  estate: Estate,
  d: Day,
  covered: CoveredToday,
  subjectOf: (account: string, region: string | null, resource: Partial<Subject>) => Subject,
  emit: Emit,
): void {
  for (const plan of estate.savingsPlans) {
    const hours = activeHours(d, plan.startAt, plan.endAt);
    if (hours === 0) continue;
    const subject = subjectOf(plan.account, null, {
      resourceId: plan.arn,
      resourceName: plan.name,
      resourceType: "savingsplan",
    });
    const fee = toUnits(plan.hourlyCommitment * hours);
    const commitment: Commitment = {
      id: plan.arn,
      name: plan.name,
      type: "Savings Plan",
      category: "Spend",
      status: null,
    };
    const base = { subject, service: SERVICES.savingsPlans, usageType: "ComputeSP:1yrNoUpfront" };
    emit({
      ...base,
      description: `1 year No Upfront Compute Savings Plan, $${plan.hourlyCommitment} hourly commitment`,
      category: "Purchase",
      frequency: "Recurring",
      pricingCategory: null,
      unit: "Hours",
      quantity: hours,
      listUnitPrice: plan.hourlyCommitment,
      list: fee,
      billed: fee,
      effective: 0,
      commitment,
    });
    emit({
      ...base,
      description: "Unused Savings Plan commitment",
      category: "Usage",
      frequency: "Usage-Based",
      pricingCategory: "Committed",
      unit: null,
      quantity: null,
      listUnitPrice: null,
      list: 0,
      billed: 0,
      effective: Math.max(0, fee - (covered.get(plan.id) ?? 0)),
      commitment: { ...commitment, status: "Unused" },
    });
  }
  for (const r of estate.reservations) {
    const hours = activeHours(d, r.startAt, r.endAt);
    if (hours === 0) continue;
    const subject = subjectOf(r.account, r.region, { resourceId: r.arn, resourceType: "reserved-instances" });
    const reservedHours = hours * r.count;
    const usageType = `BoxUsage:${r.instanceType}`;
    const base = { subject, service: SERVICES.ec2, usageType: null };
    const description = `${r.offeringType} reservation of ${r.count} ${r.instanceType} (${r.termYears} year)`;
    if (
      Date.parse(r.startAt) >= d.startMs &&
      Date.parse(r.startAt) < d.startMs + 86_400_000 &&
      r.upfront > 0
    ) {
      const upfront = toUnits(r.upfront);
      emit({
        ...base,
        description: `${description}: upfront payment`,
        category: "Purchase",
        frequency: "One-Time",
        pricingCategory: "Committed",
        unit: null,
        quantity: r.count,
        listUnitPrice: null,
        list: upfront,
        billed: upfront,
        effective: 0,
        commitment: reservationOf(r.arn, null),
      });
    }
    if (r.recurringHourly > 0) {
      const fee = toUnits(reservedHours * r.recurringHourly);
      emit({
        ...base,
        description: `${description}: recurring fee for ${usageType}`,
        category: "Purchase",
        frequency: "Recurring",
        pricingCategory: "Committed",
        unit: "Hours",
        quantity: reservedHours,
        listUnitPrice: r.recurringHourly,
        list: fee,
        billed: fee,
        effective: 0,
        commitment: reservationOf(r.arn, null),
      });
    }
    const unusedHours = Math.max(0, reservedHours - (covered.get(r.id) ?? 0));
    if (unusedHours === 0) continue;
    emit({
      ...base,
      description: `${description}: unused reserved hours`,
      category: "Usage",
      frequency: "Usage-Based",
      pricingCategory: "Committed",
      unit: "Hours",
      quantity: unusedHours,
      listUnitPrice: null,
      list: 0,
      billed: 0,
      effective: toUnits(unusedHours * r.effectiveHourly),
      commitment: reservationOf(r.arn, "Unused"),
    });
  }
}
