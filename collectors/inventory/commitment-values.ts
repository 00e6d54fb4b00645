/**
 * What the commitment collectors (reserved-instances.ts, savings-plans.ts) share: a commitment missing
 * what its terms need (id, start, end) is a bad page, refused loudly rather than stored without an end
 * (a reservation that never shows as expiring); and prices as exact decimal text.
 */

/** A page the commitment collectors refuse: the collection fails and nothing of it is stored. */
export class CommitmentPageError extends Error {
  override name = "CommitmentPageError";
}

/** A required value, or a CommitmentPageError naming where it is missing. */
export function required<T>(value: T | null | undefined, where: string, field: string): T {
  if (value === null || value === undefined || value === "") {
    throw new CommitmentPageError(`${where}: no ${field}`);
  }
  return value;
}

/** An ISO 8601 instant from a Date or date text; a CommitmentPageError when it does not parse. */
export function instant(value: Date | string, where: string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new CommitmentPageError(`${where}: ${field} ${JSON.stringify(String(value))} is not a date`);
  }
  return date.toISOString();
}

/**
 * A price the EC2 SDK parsed into a number, as decimal text: its shortest round-trip spelling, which is
 * the API's own for the prices AWS writes (never the exponent form String() gives tiny numbers).
 */
export function decimalText(value: number | undefined): string | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}
