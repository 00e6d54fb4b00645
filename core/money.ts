/**
 * A money value as DuckDB's exact DECIMAL text ("1234.560000000000"). It is written into JSON as a
 * number literal with every digit, never through a binary float that would lose cents on large sums.
 */
export class Decimal {
  constructor(readonly text: string) {}
  toString(): string {
    return trimDecimal(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export function trimDecimal(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** Money for people: rounded to cents with thousands separators; the JSON keeps every digit. */
export function formatMoney(value: Decimal | string, currency = ""): string {
  const text = value instanceof Decimal ? value.text : value;
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  const cents = BigInt(whole + fraction.padEnd(2, "0").slice(0, 2));
  const roundUp = Number(fraction[2] ?? "0") >= 5 ? 1n : 0n;
  const rounded = cents + roundUp;
  const negative = text.startsWith("-") && rounded !== 0n;
  const units = (rounded / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const rest = (rounded % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${currency ? `${currency} ` : ""}${units}.${rest}`;
}

/** Adds decimal strings exactly (as scaled integers). */
export function sumDecimals(values: string[]): string {
  // A loop, not Math.max(...values): a spread of a million findings' values overflows the stack.
  let scale = 0;
  for (const value of values) scale = Math.max(scale, value.split(".")[1]?.length ?? 0);
  let sum = 0n;
  for (const value of values) {
    const negative = value.startsWith("-");
    const [whole = "0", fraction = ""] = value.replace(/^-/, "").split(".");
    const scaled = BigInt(whole + fraction.padEnd(scale, "0"));
    sum += negative ? -scaled : scaled;
  }
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}
