import type {
  GetReservationCoverageCommandOutput,
  GetReservationUtilizationCommandOutput,
  GetSavingsPlansCoverageCommandOutput,
  GetSavingsPlansUtilizationDetailsCommandOutput,
} from "@aws-sdk/client-cost-explorer";
import type { PageScope } from "../../aws/pages.js";

/**
 * What the commitments collector reads from Cost Explorer's pages, and where those pages live in a
 * record folder. Shared with demo/replay-commitments.ts, which writes the same pages at the same
 * scopes: what the demo writes is read by exactly this code.
 */

export const SP_UTILIZATION = "GetSavingsPlansUtilizationDetails";
export const RI_UTILIZATION = "GetReservationUtilization";
export const SP_COVERAGE = "GetSavingsPlansCoverage";
export const RI_COVERAGE = "GetReservationCoverage";
export type CommitmentOperation =
  | typeof SP_UTILIZATION
  | typeof RI_UTILIZATION
  | typeof SP_COVERAGE
  | typeof RI_COVERAGE;

/** Reservations of services other than EC2 are asked one service at a time (Cost Explorer's rule). */
export const EC2_COMPUTE = "Amazon Elastic Compute Cloud - Compute";

export type SavingsPlansDetailsPage = Omit<GetSavingsPlansUtilizationDetailsCommandOutput, "$metadata">;
export type ReservationUtilizationPage = Omit<GetReservationUtilizationCommandOutput, "$metadata">;
export type SavingsPlansCoveragePage = Omit<GetSavingsPlansCoverageCommandOutput, "$metadata">;
export type ReservationCoveragePage = Omit<GetReservationCoverageCommandOutput, "$metadata">;

/**
 * Cost Explorer answers for the payer (the credentials' own account), not per member account: its pages
 * go under the record folder's "caller" account, which inventory replay skips. One call per day (and
 * per service for reservations), so a replay asks exactly what was recorded whatever days it has cached.
 */
export function commitmentScope(operation: CommitmentOperation, day: string, service?: string): PageScope {
  return {
    account: "caller",
    region: "global",
    service: "ce",
    operation,
    part: service === undefined ? day : `${day} ${service}`,
  };
}

export type CommitmentType = "Savings Plan" | "Reserved Instance";

export interface UsageRow {
  day: string;
  commitmentId: string;
  type: CommitmentType;
  account: string;
  used: bigint;
  unused: bigint;
  onDemandEquivalent: bigint;
}

export interface TermRow {
  commitmentId: string;
  type: CommitmentType;
  account: string | null;
  service: string | null;
  region: string | null;
  startAt: string | null;
  endAt: string | null;
  term: string | null;
  purchaseOption: string | null;
  scope: string | null;
  hourlyCommitment: string | null;
}

export interface CoverageRow {
  day: string;
  type: CommitmentType;
  account: string;
  covered: bigint;
  onDemand: bigint;
}

/** One reservation coverage group before its covered cost is known (see reservationCoverage). */
export interface ReservationHours {
  account: string;
  reservedHours: bigint;
  onDemand: bigint;
}

/** An answer that cannot be read: named with the call, the day and the field. */
export class CommitmentPageError extends Error {
  override name = "CommitmentPageError";
}

// Money at DuckDB's 12 decimals as scaled integers: shares of a day's total must add up to it exactly,
// which no float does.
const SCALE_DIGITS = 12;

/** A decimal string ("12.5", "1.2E-4") as an integer of 1e-12 units, rounded half away from zero. */
export function parseAmount(text: unknown, where: string): bigint {
  const match = typeof text === "string" ? /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text) : null;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match ?? [];
  if (!match || whole.length + fraction.length === 0) {
    throw new CommitmentPageError(`${where}: ${JSON.stringify(text)} is not a decimal number`);
  }
  const shift = Number(exponent) + SCALE_DIGITS;
  const digits = `${whole}${fraction}`;
  const point = whole.length + shift;
  let n: bigint;
  if (point >= digits.length) n = BigInt(digits.padEnd(point, "0") || "0");
  else {
    const kept = point > 0 ? BigInt(digits.slice(0, point)) : 0n;
    const next = point >= 0 ? Number(digits[point]) : 0;
    n = kept + (next >= 5 ? 1n : 0n);
  }
  return sign === "-" ? -n : n;
}

/** A scaled amount as DECIMAL text with its 12 decimals. */
export function formatAmount(n: bigint): string {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(SCALE_DIGITS + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -SCALE_DIGITS)}.${digits.slice(-SCALE_DIGITS)}`;
}

/** value × numerator ÷ denominator, rounded half away from zero (all scaled, denominator > 0). */
export function mulDiv(value: bigint, numerator: bigint, denominator: bigint): bigint {
  const product = value * numerator;
  const quotient = product / denominator;
  const remainder = product % denominator;
  const away = (remainder < 0n ? -remainder : remainder) * 2n >= denominator;
  return away ? quotient + (product < 0n ? -1n : 1n) : quotient;
}

const optionalAmount = (text: string | undefined, where: string): bigint | undefined =>
  text === undefined || text === "" ? undefined : parseAmount(text, where);

const requiredAmount = (text: string | undefined, where: string): bigint => {
  if (text === undefined || text === "") throw new CommitmentPageError(`${where}: missing`);
  return parseAmount(text, where);
};

/** An attribute that says "nothing" (Compute Savings Plans' region is "Any") is stored as NULL. */
function attribute(attributes: Record<string, string> | undefined, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = attributes?.[key]?.trim();
    if (value && value !== "Any") return value;
  }
  return null;
}

function timestamp(value: string | null, where: string): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CommitmentPageError(`${where}: ${JSON.stringify(value)} is not a date`);
  return new Date(ms).toISOString();
}

/** A reservation's attributes give no term: it is read from its length (one or three years). */
export function termOf(startAt: string | null, endAt: string | null): string | null {
  if (!startAt || !endAt) return null;
  const days = (Date.parse(endAt) - Date.parse(startAt)) / 86_400_000;
  if (Math.abs(days - 365) <= 2) return "1yr";
  if (Math.abs(days - 1095) <= 3) return "3yr";
  return null;
}

/**
 * GetSavingsPlansUtilizationDetails for one day: per plan, Utilization.UsedCommitment is the used part
 * of the day's amortized commitment, UnusedCommitment the unused part (their sum is TotalCommitment,
 * the hourly commitment × hours: upfront and recurring fees amortized), Savings.OnDemandCostEquivalent
 * the public on-demand cost of the usage the plan covered.
 */
export function readSavingsPlans(
  day: string,
  pages: SavingsPlansDetailsPage[],
): { usage: UsageRow[]; terms: TermRow[] } {
  const usage: UsageRow[] = [];
  const terms: TermRow[] = [];
  for (const page of pages) {
    for (const detail of page.SavingsPlansUtilizationDetails ?? []) {
      const attributes = detail.Attributes;
      const id = detail.SavingsPlanArn || attribute(attributes, "SavingsPlanARN");
      const where = `${SP_UTILIZATION} ${day} ${id ?? "(a plan)"}`;
      if (!id) throw new CommitmentPageError(`${where}: no SavingsPlanArn`);
      const account = attribute(attributes, "AccountId");
      if (!account) throw new CommitmentPageError(`${where}: no Attributes.AccountId`);
      usage.push({
        day,
        commitmentId: id,
        type: "Savings Plan",
        account,
        used: requiredAmount(detail.Utilization?.UsedCommitment, `${where}: Utilization.UsedCommitment`),
        unused: requiredAmount(
          detail.Utilization?.UnusedCommitment,
          `${where}: Utilization.UnusedCommitment`,
        ),
        onDemandEquivalent:
          optionalAmount(
            detail.Savings?.OnDemandCostEquivalent,
            `${where}: Savings.OnDemandCostEquivalent`,
          ) ?? 0n,
      });
      const hourly = attribute(attributes, "HourlyCommitment");
      if (hourly !== null) parseAmount(hourly, `${where}: Attributes.HourlyCommitment`);
      terms.push({
        commitmentId: id,
        type: "Savings Plan",
        account,
        // The plan's kind (ComputeSavingsPlans, EC2InstanceSavingsPlans, SageMakerSavingsPlans), as CUR's
        // savings_plan_offering_type: a Compute plan covers EC2, Fargate and Lambda alike.
        service: attribute(attributes, "SavingsPlansType"),
        region: attribute(attributes, "Region"),
        startAt: timestamp(attribute(attributes, "StartDateTime"), `${where}: Attributes.StartDateTime`),
        endAt: timestamp(attribute(attributes, "EndDateTime"), `${where}: Attributes.EndDateTime`),
        term: attribute(attributes, "PurchaseTerm"),
        purchaseOption: attribute(attributes, "PaymentOption"),
        scope: null,
        hourlyCommitment: hourly,
      });
    }
  }
  return { usage, terms };
}

/**
 * GetReservationUtilization grouped by SUBSCRIPTION_ID for one day and service: per reservation,
 * TotalAmortizedFee (upfront and recurring fees amortized over the day) split into RICostForUnusedHours
 * (the unused part) and the rest (the used part); OnDemandCostOfRIHoursUsed is the on-demand equivalent.
 * Where RICostForUnusedHours is absent the unused part is the fee × UnusedHours ÷ PurchasedHours.
 */
export function readReservations(
  day: string,
  service: string,
  pages: ReservationUtilizationPage[],
): { usage: UsageRow[]; terms: TermRow[] } {
  const usage: UsageRow[] = [];
  const terms: TermRow[] = [];
  for (const page of pages) {
    for (const period of page.UtilizationsByTime ?? []) {
      for (const group of period.Groups ?? []) {
        const attributes = group.Attributes;
        const id = attribute(attributes, "reservationARN", "leaseId") ?? group.Value ?? null;
        const where = `${RI_UTILIZATION} ${day} ${service} ${id ?? "(a reservation)"}`;
        if (!id) throw new CommitmentPageError(`${where}: no reservationARN, leaseId or subscription id`);
        const account = attribute(attributes, "accountId");
        if (!account) throw new CommitmentPageError(`${where}: no Attributes.accountId`);
        const u = group.Utilization;
        const total =
          optionalAmount(u?.TotalAmortizedFee, `${where}: Utilization.TotalAmortizedFee`) ??
          requiredAmount(u?.AmortizedUpfrontFee, `${where}: Utilization.AmortizedUpfrontFee`) +
            requiredAmount(u?.AmortizedRecurringFee, `${where}: Utilization.AmortizedRecurringFee`);
        let unused = optionalAmount(u?.RICostForUnusedHours, `${where}: Utilization.RICostForUnusedHours`);
        if (unused === undefined) {
          const purchased = requiredAmount(u?.PurchasedHours, `${where}: Utilization.PurchasedHours`);
          const unusedHours = requiredAmount(u?.UnusedHours, `${where}: Utilization.UnusedHours`);
          unused = purchased > 0n ? mulDiv(total, unusedHours, purchased) : 0n;
        }
        usage.push({
          day,
          commitmentId: id,
          type: "Reserved Instance",
          account,
          used: total - unused,
          unused,
          onDemandEquivalent:
            optionalAmount(u?.OnDemandCostOfRIHoursUsed, `${where}: Utilization.OnDemandCostOfRIHoursUsed`) ??
            0n,
        });
        const startAt = timestamp(
          attribute(attributes, "startDateTime"),
          `${where}: Attributes.startDateTime`,
        );
        const endAt = timestamp(attribute(attributes, "endDateTime"), `${where}: Attributes.endDateTime`);
        terms.push({
          commitmentId: id,
          type: "Reserved Instance",
          account,
          service,
          region: attribute(attributes, "region"),
          startAt,
          endAt,
          term: termOf(startAt, endAt),
          purchaseOption: attribute(attributes, "subscriptionType"),
          scope: attribute(attributes, "scope"),
          hourlyCommitment: null,
        });
      }
    }
  }
  return { usage, terms };
}

/** The linked account a coverage group is of (its only grouping). */
function linkedAccount(attributes: Record<string, string> | undefined, where: string): string {
  const entries = Object.entries(attributes ?? {});
  const named = entries.find(([key]) => /^linked_?account(_?id)?$/i.test(key));
  const value = (named ?? (entries.length === 1 ? entries[0] : undefined))?.[1];
  if (!value) throw new CommitmentPageError(`${where}: no LINKED_ACCOUNT attribute`);
  return value;
}

/**
 * GetSavingsPlansCoverage grouped by LINKED_ACCOUNT for one day. Its figures are on-demand equivalents
 * ("all calculations consider the On-Demand equivalent of your Savings Plans usage"):
 * SpendCoveredBySavingsPlans -> covered_cost, OnDemandCost (the eligible spend left on demand) ->
 * on_demand_cost; TotalCost is their sum.
 */
export function readSavingsPlansCoverage(day: string, pages: SavingsPlansCoveragePage[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  for (const page of pages) {
    for (const coverage of page.SavingsPlansCoverages ?? []) {
      const where = `${SP_COVERAGE} ${day}`;
      const account = linkedAccount(coverage.Attributes, where);
      rows.push({
        day,
        type: "Savings Plan",
        account,
        covered: requiredAmount(
          coverage.Coverage?.SpendCoveredBySavingsPlans,
          `${where} ${account}: Coverage.SpendCoveredBySavingsPlans`,
        ),
        onDemand: requiredAmount(
          coverage.Coverage?.OnDemandCost,
          `${where} ${account}: Coverage.OnDemandCost`,
        ),
      });
    }
  }
  return rows;
}

/** GetReservationCoverage grouped by LINKED_ACCOUNT for one day and service: hours and on-demand cost. */
export function readReservationHours(
  day: string,
  service: string,
  pages: ReservationCoveragePage[],
): ReservationHours[] {
  const rows: ReservationHours[] = [];
  for (const page of pages) {
    for (const period of page.CoveragesByTime ?? []) {
      for (const group of period.Groups ?? []) {
        const where = `${RI_COVERAGE} ${day} ${service}`;
        const account = linkedAccount(group.Attributes, where);
        const coverage = group.Coverage;
        rows.push({
          account,
          reservedHours: requiredAmount(
            coverage?.CoverageHours?.ReservedHours,
            `${where} ${account}: Coverage.CoverageHours.ReservedHours`,
          ),
          onDemand: requiredAmount(
            coverage?.CoverageCost?.OnDemandCost,
            `${where} ${account}: Coverage.CoverageCost.OnDemandCost`,
          ),
        });
      }
    }
  }
  return rows;
}

/**
 * Reservation coverage gives the uncovered on-demand cost (CoverageCost.OnDemandCost) but the covered
 * usage only in hours. The day's on-demand equivalent of reserved usage is known exactly from
 * utilization (Σ OnDemandCostOfRIHoursUsed of the service's reservations); it is shared among the
 * accounts by their ReservedHours, the last account taking the rounding remainder so the shares add up
 * to it. Limit: an account whose reserved hours run pricier instances than another's gets the average
 * rate; the total over accounts is exact.
 */
export function reservationCoverage(
  day: string,
  hours: ReservationHours[],
  onDemandEquivalentUsed: bigint,
): CoverageRow[] {
  const totalHours = hours.reduce((sum, h) => sum + h.reservedHours, 0n);
  let left = onDemandEquivalentUsed;
  let hoursLeft = totalHours;
  return hours.map((h) => {
    const share = totalHours > 0n && hoursLeft > 0n ? mulDiv(left, h.reservedHours, hoursLeft) : 0n;
    left -= share;
    hoursLeft -= h.reservedHours;
    return { day, type: "Reserved Instance", account: h.account, covered: share, onDemand: h.onDemand };
  });
}
