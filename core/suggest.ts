import { distance } from "fastest-levenshtein";
import { UsageError } from "./errors.js";

/**
 * The known value nearest to a mistyped one, if it is near enough to be a typo: within a third of the
 * word's length (at least 2 edits), ignoring case. The one suggestion helper: rules.yaml's keys and
 * rule kinds, and every command's filter values (--rule, --team, --type, --provider...).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const edits = distance(word.toLowerCase(), candidate.toLowerCase());
    if (edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return best;
}

/** How many known values a refusal lists before it says "and N more". */
const LISTED = 12;

/**
 * A filter value that matches nothing the store or the catalogue knows: refused (exit 2) with the
 * nearest known value, instead of an empty answer that reads as "nothing there".
 * `what` names one of the values ("rule", "team"...); `known` are the values accepted, in the order
 * they are listed (the first few, when there are many).
 */
export function unknownValue(
  flag: string,
  value: string,
  what: string,
  known: readonly string[],
): UsageError {
  const values = [...new Set(known)];
  const guess = closest(value, values);
  const listed =
    values.length > LISTED
      ? `${values.slice(0, LISTED).join(", ")} and ${values.length - LISTED} more`
      : values.join(", ");
  const hint = guess ? `did you mean "${guess}"? ` : "";
  return new UsageError(`${flag} ${value}: no such ${what}: ${hint}known ${what}s: ${listed}`);
}

/**
 * Refuses `value` unless it is one of `known` (exactly, or ignoring case where `caseInsensitive`).
 * Nothing known (an empty store) checks nothing: the empty answer then says how to load data.
 */
export function checkKnown(
  flag: string,
  value: string | undefined,
  what: string,
  known: readonly string[],
  options: { caseInsensitive?: boolean } = {},
): void {
  if (value === undefined || known.length === 0) return;
  const fold = (text: string) => (options.caseInsensitive ? text.toLowerCase() : text);
  if (known.some((k) => fold(k) === fold(value))) return;
  throw unknownValue(flag, value, what, known);
}
