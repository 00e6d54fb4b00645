/** Exact decimal arithmetic for expected totals: values as scaled BigInts (12 decimals, as stored). */
const SCALE = 12;

export function toScaled(text: string): bigint {
  const trimmed = text.trim();
  const negative = trimmed.startsWith("-");
  const [whole = "0", fraction = ""] = trimmed.replace(/^[-+]/, "").split(".");
  const scaled = BigInt((whole || "0") + fraction.padEnd(SCALE, "0").slice(0, SCALE));
  return negative ? -scaled : scaled;
}

export function fromScaled(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE + 1, "0");
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`.replace(/0+$/, "").replace(/\.$/, "");
  return negative && text !== "0" ? `-${text}` : text;
}

/**
 * Parses `finops costs --json` keeping every digit: the money fields are number literals that a
 * double would round, so they are read as text.
 */
export function parseCostsJson(
  stdout: string,
): { key: string | null; billedCost: string; effectiveCost: string }[] {
  const quoted = stdout.replace(/("(?:billedCost|effectiveCost)":\s*)(-?[0-9][0-9.eE+-]*)/g, '$1"$2"');
  return JSON.parse(quoted);
}
