import { Decimal } from "./money.js";

const MARK = "\u0000decimal:";

/** JSON.stringify, except that Decimal values become exact number literals. */
export function toJson(value: unknown, indent: number | undefined = 2): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (v instanceof Decimal ? `${MARK}${v}` : v),
    indent,
  );
  return text.replace(/"\\u0000decimal:(-?[0-9.]+)"/g, "$1");
}
