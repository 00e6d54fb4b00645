/**
 * Cost Explorer's commitment answers as a replay folder holds them: the pages the commitments collector
 * (collectors/billing/cost-explorer-commitments.ts) records, written from a neutral description of the
 * Savings Plans and reservations and their coverage. Scopes and field names come from the collector's
 * own reader (cost-explorer-commitments-read.ts), so what is written here is what it reads on replay.
 *
 * The collector asks one call per day of its window (and per reservation service); every day of the
 * window is written, with empty answers where nothing applies, as Cost Explorer answers them.
 */

import {
  type CommitmentType,
  commitmentScope,
  EC2_COMPUTE,
  formatAmount,
  parseAmount,
  RI_COVERAGE,
  RI_UTILIZATION,
  SP_COVERAGE,
  SP_UTILIZATION,
  termOf,
} from "../collectors/billing/cost-explorer-commitments-read.js";
import { addDays } from "../collectors/billing/cost-explorer-days.js";
import { trimDecimal } from "../core/money.js";
import { hexOf, type PageWriter, paginate } from "./replay-pages.js";

/** One day of a commitment: the amortized cost split into used and unused, and what the use was worth on demand. */
export interface CommitmentReplayDay {
  day: string;
  used: string;
  unused: string;
  onDemandEquivalent: string;
}

export interface CommitmentReplayRecord {
  /** The plan's or the reservation's ARN (as CUR's CommitmentDiscountId). */
  id: string;
  type: CommitmentType;
  /** The account that owns it. */
  account: string;
  /** Its region; null for a Compute Savings Plan (any region). */
  region: string | null;
  /** Reservations: Cost Explorer's SERVICE name; Savings Plans: their kind ("ComputeSavingsPlans", ...). */
  service: string;
  start: string;
  end: string;
  term: "1yr" | "3yr";
  /** "No Upfront" | "Partial Upfront" | "All Upfront". */
  paymentOption: string;
  /** Reservations: "Region" | "Availability Zone". */
  scope?: string;
  /** Savings Plans: the $/hour committed. */
  hourlyCommitment?: string;
  instanceType?: string;
  /** Days outside the window are not asked by the collector and not written. */
  days: CommitmentReplayDay[];
}

/** One day, account and type: the on-demand equivalent of covered eligible usage, and the eligible usage left on demand. */
export interface CoverageReplayRecord {
  day: string;
  account: string;
  type: CommitmentType;
  /** Reservations: the service (default EC2). */
  service?: string;
  covered: string;
  onDemand: string;
}

export interface CommitmentReplayInput {
  /** The collector's window (commitmentWindow(now, billing.costExplorer.lookbackDays)): `to` excluded. */
  window: { from: string; to: string };
  commitments: CommitmentReplayRecord[];
  coverage: CoverageReplayRecord[];
  /** billing.costExplorer.reservationServices of the config that replays (default EC2 only). */
  reservationServices?: string[];
  /** Items per page (default 100). */
  pageSize?: number;
}

/** Hours written for a dollar of coverage: any rate works, the collector reads only the hours' shares. */
const HOURS_PER_DOLLAR = 10n;

const money = (text: string, where: string) => parseAmount(text, where);
const out = (n: bigint) => trimDecimal(formatAmount(n));

/**
 * Writes every day's pages of the window; returns the calls written. Throws on an input the collector
 * could not give back as it is: a reservation whose start and end do not make its term, a service the
 * replaying config does not ask, or a day whose reservation coverage does not add up to the
 * reservations' on-demand equivalent (the collector shares that total among accounts by their hours).
 */
export async function writeCommitmentPages(
  writer: PageWriter,
  input: CommitmentReplayInput,
): Promise<number> {
  const services = input.reservationServices ?? [EC2_COMPUTE];
  const size = input.pageSize ?? 100;
  for (const record of input.commitments) {
    if (record.type === "Reserved Instance") {
      if (!services.includes(record.service)) {
        throw new Error(
          `${record.id}: service ${record.service} is not among the reservation services asked`,
        );
      }
      if (termOf(new Date(record.start).toISOString(), new Date(record.end).toISOString()) !== record.term) {
        throw new Error(`${record.id}: ${record.start} to ${record.end} is not a ${record.term} term`);
      }
    }
  }
  for (const c of input.coverage) {
    if (c.type === "Reserved Instance" && !services.includes(c.service ?? EC2_COMPUTE)) {
      throw new Error(
        `coverage of ${c.account} on ${c.day}: service ${c.service} is not among the reservation services asked`,
      );
    }
  }
  let calls = 0;
  for (let day = input.window.from; day < input.window.to; day = addDays(day, 1)) {
    const period = { Start: day, End: addDays(day, 1) };
    const active = (type: CommitmentType) =>
      input.commitments.flatMap((record) => {
        const figures = record.type === type ? record.days.find((d) => d.day === day) : undefined;
        return figures ? [{ record, figures }] : [];
      });
    const coverage = (type: CommitmentType, service?: string) =>
      input.coverage.filter(
        (c) =>
          c.day === day &&
          c.type === type &&
          (service === undefined || (c.service ?? EC2_COMPUTE) === service),
      );

    await writer.page(
      commitmentScope(SP_UTILIZATION, day),
      paginate(active("Savings Plan"), size, (items, next) => ({
        SavingsPlansUtilizationDetails: items.map(({ record, figures }) =>
          savingsPlanDetail(record, figures),
        ),
        TimePeriod: period,
        ...(next ? { NextToken: next } : {}),
      })),
    );
    await writer.page(
      commitmentScope(SP_COVERAGE, day),
      paginate(coverage("Savings Plan"), size, (items, next) => ({
        SavingsPlansCoverages: items.map((c) => {
          const covered = money(c.covered, `${day} ${c.account} covered`);
          const onDemand = money(c.onDemand, `${day} ${c.account} onDemand`);
          return {
            Attributes: { LINKED_ACCOUNT: c.account },
            Coverage: {
              SpendCoveredBySavingsPlans: out(covered),
              OnDemandCost: out(onDemand),
              TotalCost: out(covered + onDemand),
              CoveragePercentage: percent(covered, covered + onDemand),
            },
            TimePeriod: period,
          };
        }),
        ...(next ? { NextToken: next } : {}),
      })),
    );
    calls += 2;

    for (const service of services) {
      const reservations = active("Reserved Instance").filter(({ record }) => record.service === service);
      await writer.page(
        commitmentScope(RI_UTILIZATION, day, service),
        paginate(reservations, size, (items, next) => ({
          UtilizationsByTime: [
            {
              TimePeriod: period,
              Groups: items.map(({ record, figures }) => reservationGroup(record, figures)),
            },
          ],
          ...(next ? { NextPageToken: next } : {}),
        })),
      );
      const groups = coverage("Reserved Instance", service);
      const equivalent = reservations.reduce(
        (sum, { record, figures }) => sum + money(figures.onDemandEquivalent, `${record.id} ${day}`),
        0n,
      );
      const covered = groups.reduce((sum, c) => sum + money(c.covered, `${day} ${c.account} covered`), 0n);
      if (covered !== equivalent) {
        throw new Error(
          `${day} ${service}: reservation coverage says ${out(covered)} covered, the reservations' on-demand equivalent is ${out(equivalent)}`,
        );
      }
      await writer.page(
        commitmentScope(RI_COVERAGE, day, service),
        paginate(groups, size, (items, next) => ({
          CoveragesByTime: [
            {
              TimePeriod: period,
              Groups: items.map((c) => {
                const reserved = money(c.covered, `${day} ${c.account} covered`) * HOURS_PER_DOLLAR;
                const onDemandHours = money(c.onDemand, `${day} ${c.account} onDemand`) * HOURS_PER_DOLLAR;
                return {
                  Attributes: { LINKED_ACCOUNT: c.account },
                  Coverage: {
                    CoverageHours: {
                      OnDemandHours: out(onDemandHours),
                      ReservedHours: out(reserved),
                      TotalRunningHours: out(reserved + onDemandHours),
                      CoverageHoursPercentage: percent(reserved, reserved + onDemandHours),
                    },
                    CoverageCost: { OnDemandCost: c.onDemand },
                  },
                };
              }),
            },
          ],
          ...(next ? { NextPageToken: next } : {}),
        })),
      );
      calls += 2;
    }
  }
  return calls;
}

function savingsPlanDetail(record: CommitmentReplayRecord, figures: CommitmentReplayDay): object {
  const where = `${record.id} ${figures.day}`;
  const used = money(figures.used, `${where} used`);
  const unused = money(figures.unused, `${where} unused`);
  const equivalent = money(figures.onDemandEquivalent, `${where} onDemandEquivalent`);
  return {
    SavingsPlanArn: record.id,
    Attributes: {
      AccountId: record.account,
      EndDateTime: new Date(record.end).toISOString(),
      HourlyCommitment: record.hourlyCommitment ?? "",
      InstanceFamily: "",
      PaymentOption: record.paymentOption,
      PurchaseTerm: record.term,
      Region: record.region ?? "Any",
      SavingsPlanARN: record.id,
      SavingsPlansType: record.service,
      StartDateTime: new Date(record.start).toISOString(),
      Status: "Active",
    },
    Utilization: {
      TotalCommitment: out(used + unused),
      UsedCommitment: out(used),
      UnusedCommitment: out(unused),
      UtilizationPercentage: percent(used, used + unused),
    },
    Savings: { NetSavings: out(equivalent - used), OnDemandCostEquivalent: out(equivalent) },
    AmortizedCommitment: { TotalAmortizedCommitment: out(used + unused) },
  };
}

function reservationGroup(record: CommitmentReplayRecord, figures: CommitmentReplayDay): object {
  const where = `${record.id} ${figures.day}`;
  const used = money(figures.used, `${where} used`);
  const unused = money(figures.unused, `${where} unused`);
  const equivalent = money(figures.onDemandEquivalent, `${where} onDemandEquivalent`);
  const total = used + unused;
  const usedHours = total > 0n ? Number((used * 24_000n) / total) / 1000 : 0;
  const subscriptionId = String(Number.parseInt(hexOf(`${record.id}|subscription`, 10), 16));
  return {
    Key: "SUBSCRIPTION_ID",
    Value: subscriptionId,
    Attributes: {
      accountId: record.account,
      endDateTime: new Date(record.end).toISOString(),
      instanceType: record.instanceType ?? "",
      leaseId: record.id.split("/").pop() ?? record.id,
      numberOfInstances: "1",
      offeringType: "Standard",
      region: record.region ?? "",
      reservationARN: record.id,
      scope: record.scope ?? "Region",
      startDateTime: new Date(record.start).toISOString(),
      subscriptionId,
      subscriptionStatus: "Active",
      subscriptionType: record.paymentOption,
    },
    Utilization: {
      UtilizationPercentage: percent(used, total),
      PurchasedHours: "24",
      TotalActualHours: String(usedHours),
      UnusedHours: String(Math.round((24 - usedHours) * 1000) / 1000),
      OnDemandCostOfRIHoursUsed: out(equivalent),
      NetRISavings: out(equivalent - total),
      TotalAmortizedFee: out(total),
      RICostForUnusedHours: out(unused),
    },
  };
}

function percent(part: bigint, whole: bigint): string {
  return whole > 0n ? String(Number((part * 10_000n) / whole) / 100) : "0";
}
