/**
 * A message as every channel receives it: neutral structure, not a rendered format. Each channel
 * renders it its own way (Slack blocks, an email's text and HTML, a JSON document), so adding a channel
 * never touches what builds the messages, and the weekly report can send through the same channels.
 *
 * Inline text uses one markup only, `code` in backticks: Slack, Markdown and the HTML rendering all
 * understand it, so no channel has to undo another's formatting.
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
  /** The entries shown, already cut to a readable number. */
  lines: string[];
  /** How many entries there are in all, when there are more than `lines`. */
  total?: number;
  /** Where to see every entry (a command), for the line that says the list was cut. */
  hint?: string;
}

/** "…and 12 more (hint)" when a list shows `shown` of its entries, else null. */
export function moreLine(section: Section, shown = section.lines.length): string | null {
  const left = (section.total ?? section.lines.length) - shown;
  if (left <= 0) return null;
  return `…and ${left.toLocaleString("en-US")} more${section.hint ? ` (${section.hint})` : ""}`;
}

/** The message as Markdown, which reads as plain text too: the email's text part, the outbox's .md, --dry-run. */
export function renderText(message: Message): string {
  const out = [`# ${message.subject}`, "", ...message.summary];
  for (const section of message.sections) {
    out.push("", `## ${section.title}`, "", ...section.lines.map((line) => `- ${line}`));
    const more = moreLine(section);
    if (more) out.push(`- ${more}`);
  }
  if (message.footer.length) out.push("", "---", "", ...message.footer);
  return `${out.join("\n")}\n`;
}
