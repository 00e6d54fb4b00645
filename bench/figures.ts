/** Rounding of the figures the benchmarks report. */

/** `value` rounded to `digits` decimal places (by Math.round: halves go up). */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
