import { Decimal, sumDecimals } from "./money.js";

// Exact arithmetic on DuckDB's decimal text, for derived figures (the weekly report's differences,
// "other" rows and forecast; realised savings): a float would make a derived total miss the bill by a cent.

/** Decimals are stored with 12 fractional digits; derived figures keep the same scale. */
const SCALE = 12;

export const ZERO = new Decimal("0");

export function add(...values: Decimal[]): Decimal {
  return new Decimal(sumDecimals(values.length ? values.map((v) => v.text) : ["0"]));
}

export function negate(value: Decimal): Decimal {
  return new Decimal(value.text.startsWith("-") ? value.text.slice(1) : `-${value.text}`);
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, negate(b));
}

function scaled(value: Decimal): bigint {
  const negative = value.text.startsWith("-");
  const [whole = "0", fraction = ""] = value.text.replace(/^-/, "").split(".");
  const n = BigInt((whole || "0") + fraction.padEnd(SCALE, "0").slice(0, SCALE));
  return negative ? -n : n;
}

function fromScaled(n: bigint): Decimal {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(SCALE + 1, "0");
  return new Decimal(`${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`);
}

export function compare(a: Decimal, b: Decimal): number {
  const d = scaled(a) - scaled(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

export function isZero(value: Decimal): boolean {
  return scaled(value) === 0n;
}

/** value × numerator ÷ denominator, rounded half away from zero at the 12th decimal. */
export function mulDiv(value: Decimal, numerator: number, denominator: number): Decimal {
  const product = scaled(value) * BigInt(numerator);
  const d = BigInt(denominator);
  const quotient = product / d;
  const remainder = product % d;
  const roundAway = (remainder < 0n ? -remainder : remainder) * 2n >= (d < 0n ? -d : d);
  return fromScaled(roundAway ? quotient + (product < 0n !== d < 0n ? -1n : 1n) : quotient);
}

/** A number with two decimals as a Decimal (statistics shown next to exact money). */
export function fromNumber(value: number): Decimal {
  return new Decimal(value.toFixed(2));
}

/**
 * (current − previous) ÷ previous in percent; null where there was nothing before to compare with,
 * which includes a base under half a cent: a percentage of a rounding residue is noise.
 */
export function percentChange(current: Decimal, previous: Decimal): number | null {
  if (Math.abs(previous.toNumber()) < 0.005) return null;
  return round1((subtract(current, previous).toNumber() / Math.abs(previous.toNumber())) * 100);
}

/** part ÷ whole in percent; null for an empty whole. */
export function percentOf(part: Decimal, whole: Decimal): number | null {
  if (isZero(whole)) return null;
  return round1((part.toNumber() / whole.toNumber()) * 100);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
