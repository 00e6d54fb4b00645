import { type Command, Option } from "commander";
import { z } from "zod";
import { UsageError } from "../core/errors.js";
import { type Decimal, formatMoney } from "../core/money.js";
import { plural } from "../core/plural.js";
import { note, printLine } from "./output.js";

/**
 * --limit and --offset, the same on every list (findings, resources, costs, history). They apply to
 * --json too: the array keeps its shape, and what was left out is told on stderr.
 */
export interface Page {
  limit?: number;
  offset: number;
}

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).optional(),
  offset: z.coerce.number().int().min(0).default(0),
});

export function withPageOptions(command: Command): Command {
  return command
    .addOption(new Option("--limit <n>", "show at most N rows (--json too); the rest are counted below"))
    .addOption(new Option("--offset <n>", "skip the first N rows (with --limit: the next page)"));
}

/** The page the options ask for; a --limit or --offset that is not a whole number is a usage error. */
export function pageOf(options: { limit?: string; offset?: string }): Page {
  for (const flag of ["limit", "offset"] as const) {
    const value = options[flag];
    if (value !== undefined && !/^\d+$/.test(value.trim())) {
      throw new UsageError(`--${flag}: expected a whole number (got "${value}")`);
    }
  }
  const parsed = pageSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? "limit");
    throw new UsageError(
      `--${flag}: ${flag === "limit" ? "at least 1" : "0 or more"} (got "${options[flag as "limit"]}")`,
    );
  }
  return parsed.data.limit === undefined ? { offset: parsed.data.offset } : parsed.data;
}

/** The page's items of a whole list. */
export function slicePage<T>(items: readonly T[], page: Page): T[] {
  return items.slice(page.offset, page.limit === undefined ? undefined : page.offset + page.limit);
}

/** What a page left out: how many after it, and the money they hold where the list is about money. */
export interface Omitted {
  /** The whole list's length. */
  total: number;
  /** Rows shown. */
  shown: number;
  page: Page;
  /** [one, many]: "finding", "findings". */
  noun: [string, string];
  /** The money of the rows after the page, and what it is, written after it ("/month of estimated savings"). */
  money?: { amount: Decimal; what: string };
}

/**
 * The lines after a page of a table: where the page sits when it does not start at the top, and how many
 * rows (and how much money) come after it, with the flag that shows them. With --json, on stderr.
 */
export function printOmitted(omitted: Omitted, json = false): void {
  const { total, shown, page, noun } = omitted;
  const [one, many] = noun;
  const after = Math.max(0, total - page.offset - shown);
  const lines: string[] = [];
  if (shown === 0 && total > 0) {
    lines.push(
      `--offset ${page.offset} is past the end: there ${total === 1 ? "is" : "are"} ${plural(total, one, many)}.`,
    );
  } else if (page.offset > 0) {
    lines.push(
      `${capitalized(many)} ${page.offset + 1}-${page.offset + shown} of ${total.toLocaleString("en-US")}.`,
    );
  }
  if (after > 0) {
    const money = omitted.money ? `, ${formatMoney(omitted.money.amount)}${omitted.money.what}` : "";
    lines.push(
      `… ${plural(after, `more ${one}`, `more ${many}`)}${money}: use --offset ${page.offset + shown} or a larger --limit.`,
    );
  }
  for (const line of lines) (json ? note : printLine)(line);
}

const capitalized = (text: string) => `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
