/**
 * The Savings Plan hourly commitment that maximises net savings over observed hourly on-demand spend.
 *
 * A plan with discount d charges (1 - d) × on-demand for the usage it covers, and its commitment C ($/h)
 * is paid every hour whether used or not. C covers x = C / (1 - d) of on-demand spend an hour, so over
 * H hours of spend s_h:
 *
 *   net(x) = Σ_h min(s_h, x) − H·(1 − d)·x        (on-demand avoided − commitment paid)
 *
 * net is concave and piecewise linear in x, with breaks only at the observed s_h: its slope past x is
 * #{h : s_h > x} − H·(1 − d). The optimum is therefore an observed value (the d-quantile of the hourly
 * spend), found by one scan of the sorted values with prefix sums.
 */

/** AWS sells commitments in steps of $0.001 an hour. */
const STEPS_PER_DOLLAR = 1000;

export interface CommitmentOptimum {
  /** The hourly commitment, in thousandths of a currency unit (AWS's $0.001 steps). */
  commitmentMillis: number;
  /** On-demand spend per hour the commitment covers: C / (1 − d). */
  coveredPerHour: number;
  /** Σ min(s_h, x): the on-demand spend the plan would have covered over the hours. */
  coveredSpend: number;
  /** Net savings over the hours: coveredSpend − H × C. */
  netSavings: number;
}

/** Hourly spends sorted, with prefix sums, to evaluate Σ min(s_h, x) for any x in O(log H). */
export class HourlySpend {
  readonly sorted: Float64Array;
  private readonly prefix: Float64Array;

  constructor(spends: readonly number[]) {
    this.sorted = Float64Array.from(spends).sort();
    this.prefix = new Float64Array(this.sorted.length + 1);
    this.sorted.forEach((value, i) => {
      this.prefix[i + 1] = (this.prefix[i] ?? 0) + value;
    });
  }

  get hours(): number {
    return this.sorted.length;
  }

  /** Σ_h min(s_h, x). */
  coveredBy(x: number): number {
    // The number of hours whose spend is at most x (binary search on the sorted values).
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sorted[mid] ?? 0) <= x) low = mid + 1;
      else high = mid;
    }
    return (this.prefix[low] ?? 0) + x * (this.sorted.length - low);
  }

  /** Net savings over the hours of a commitment of `commitment` an hour at discount d. */
  netSavings(commitment: number, discount: number): number {
    const x = commitment / (1 - discount);
    return this.coveredBy(x) - this.hours * commitment;
  }
}

/**
 * The commitment, in AWS's $0.001 steps, with the largest net savings; null when none saves money.
 * Ties go to the smaller commitment: the same savings for less money at risk.
 */
export function bestCommitment(spend: HourlySpend, discount: number): CommitmentOptimum | null {
  if (!(discount > 0 && discount < 1)) throw new Error(`discount ${discount} is not between 0 and 1`);
  const hours = spend.hours;
  if (hours === 0) return null;
  // The continuous optimum: scan each distinct observed value as x (running prefix sums).
  let bestX = 0;
  let bestNet = 0;
  let below = 0; // Σ of values before index i
  for (let i = 0; i < hours; i++) {
    const x = spend.sorted[i] ?? 0;
    if (i + 1 < hours && spend.sorted[i + 1] === x) {
      below += x;
      continue; // evaluate a repeated value once, at its last copy
    }
    const covered = below + x + x * (hours - i - 1);
    const net = covered - hours * (1 - discount) * x;
    if (net > bestNet) {
      bestNet = net;
      bestX = x;
    }
    below += x;
  }
  if (bestX === 0) return null;
  // Rounded to $0.001: net is concave in C too, so the best step is one of the two around the optimum.
  const exact = bestX * (1 - discount) * STEPS_PER_DOLLAR;
  let best: CommitmentOptimum | null = null;
  for (const millis of [Math.floor(exact), Math.ceil(exact)]) {
    if (millis <= 0) continue;
    const commitment = millis / STEPS_PER_DOLLAR;
    const netSavings = spend.netSavings(commitment, discount);
    if (netSavings <= 0 || (best && netSavings <= best.netSavings)) continue;
    const coveredPerHour = commitment / (1 - discount);
    best = {
      commitmentMillis: millis,
      coveredPerHour,
      coveredSpend: spend.coveredBy(coveredPerHour),
      netSavings,
    };
  }
  return best;
}

/** Thousandths as exact decimal text: 4320 -> "4.320". */
export function millisText(millis: number): string {
  const whole = Math.floor(millis / STEPS_PER_DOLLAR);
  return `${whole}.${String(millis - whole * STEPS_PER_DOLLAR).padStart(3, "0")}`;
}
