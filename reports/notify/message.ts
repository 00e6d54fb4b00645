import { sumDecimals } from "../../core/money.js";
import { money } from "./money.js";

/**
 * A message as every channel receives it: neutral structure, not a rendered format. Each channel
 * renders it its own way (Slack blocks, an email's text and HTML, a JSON document), so adding a channel
 * never touches what builds the messages, and the weekly report can send through the same channels.
 *
 * Inline text uses two markups only, `code` in backticks and links as [text](url) (markup.ts): the text
 * part keeps them as Markdown, Slack and the HTML rendering turn them into their own, so no channel has
 * to undo another's formatting.
 */
export interface Message {
  /** What it is about: "findings" (a team's digest), "approvals" (plans waiting), ... */
  kind: string;
  /** Whom it is for: the team, or "approvers". */
  team: string;
  /** One line: the email subject, the Slack header, the outbox file's title. */
  subject: string;
  /** The totals, one sentence a line. */
  summary: string[];
  sections: Section[];
  /** What the reader can do: opt out, see everything. */
  footer: string[];
  /** How many entries it lists (findings or plans): what the delivery journal counts. */
  count: number;
  /** The money it is about, exact (what --json shows as monthlyWaste). */
  monthlyWaste: string;
  /** The currency of the sections' amounts (null: several, shown bare). */
  currency?: string | null;
  /** Where every entry can be seen (the web view filtered to the team), for what a channel leaves out. */
  link?: string;
  /** The machine-readable whole: what a webhook receives and the outbox keeps. */
  document: Record<string, unknown>;
  /**
   * A complete HTML document that an email sends as its HTML part instead of the one rendered from the
   * fields above (the weekly report's own page). Chat channels keep the summary and sections.
   */
  html?: string;
  /** Files that go with the message: attached to an email, written beside the outbox's files. */
  attachments?: Attachment[];
}

export interface Attachment {
  /** A plain file name, no folder. */
  filename: string;
  content: string;
  /** Its MIME type: "text/html; charset=utf-8", "text/csv; charset=utf-8". */
  contentType: string;
}

export interface Section {
  title: string;
  /** Short figures about the whole section ("3 resources", "$25.00/month"): Slack shows them as fields. */
  facts?: string[];
  /** One line before the entries (how to fix what the section lists). */
  intro?: string;
  /** The entries shown, already cut to a readable number. */
  lines: string[];
  /** How many entries there are in all, when there are more than `lines`. */
  total?: number;
  /** Where to see every entry (a command, a link), for the line that says the list was cut. */
  hint?: string;
  /**
   * The money of each entry (exact DECIMAL text, aligned with `lines`) and of the entries not in
   * `lines`: the line that says the list was cut says how much it left out.
   */
  amounts?: { lines: string[]; rest: string };
}

/** The money of a section's entries from the `shown`th on (those a channel leaves out), exact. */
export function amountLeftOut(section: Section, shown: number): string | null {
  if (!section.amounts) return null;
  return sumDecimals([...section.amounts.lines.slice(shown), section.amounts.rest]);
}

/**
 * "…and 12 more, $45.00/month (hint)" when a list shows `shown` of its entries, else null. `currency`:
 * the message's (undefined: the section's amounts are not shown).
 */
export function moreLine(
  section: Section,
  shown = section.lines.length,
  currency?: string | null,
): string | null {
  const left = (section.total ?? section.lines.length) - shown;
  if (left <= 0) return null;
  const amount = currency === undefined ? null : amountLeftOut(section, shown);
  const worth = amount === null ? "" : `, ${money(amount, currency ?? null)}/month`;
  return `…and ${left.toLocaleString("en-US")} more${worth}${section.hint ? ` (${section.hint})` : ""}`;
}

/** The title with its facts: "gp2-volume: 3 resources, $25.00/month". */
export const titleLine = (section: Section) =>
  section.facts?.length ? `${section.title}: ${section.facts.join(", ")}` : section.title;

/** The message as Markdown, which reads as plain text too: the email's text part, the outbox's .md, --dry-run. */
export function renderText(message: Message): string {
  const out = [`# ${message.subject}`, "", ...message.summary];
  for (const section of message.sections) {
    out.push("", `## ${titleLine(section)}`, "");
    if (section.intro) out.push(section.intro, "");
    out.push(...section.lines.map((line) => `- ${line}`));
    const more = moreLine(section, section.lines.length, message.currency);
    if (more) out.push(`- ${more}`);
  }
  if (message.footer.length) out.push("", "---", "", ...message.footer);
  return `${out.join("\n")}\n`;
}
