import { sumDecimals } from "../../../core/money.js";
import { LINK, link } from "../markup.js";
import { amountLeftOut, type Message, moreLine, type Section } from "../message.js";
import { money } from "../money.js";
import type { ChannelType } from "./channel.js";
import { postJson, webhookUrl } from "./http.js";

/**
 * Slack's documented limits: 50 blocks a message, 150 characters of header, 3,000 characters of section
 * or context text, 10 fields of 2,000 characters a section, 10 context elements. Slack rejects a message
 * over any of them (invalid_blocks), so every text is cut to fit, and what is left out is said: how many
 * entries, and their money.
 */
const MAX_BLOCKS = 50;
const HEADER_CHARS = 150;
const TEXT_CHARS = 3_000;
const FIELD_CHARS = 2_000;
const MAX_FIELDS = 10;
/** A chat message is read, not searched: the longest list it shows; the email and outbox hold more. */
const LINES_PER_SECTION = 8;
const LINE_CHARS = 400;

type Block = Record<string, unknown>;

/**
 * Slack's mrkdwn treats &, < and > as markup: escaped, a reason or a tag cannot break the message. Then
 * the message's links, [text](url), become Slack's <url|text>.
 */
const escapeMrkdwn = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(LINK, (_, label: string, url: string) => `<${url}|${label}>`);

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const mrkdwn = (text: string, max = TEXT_CHARS) => ({ type: "mrkdwn", text: cut(text, max) });

/**
 * The message as Block Kit: a header, the totals, each section (its title and figures as fields, its
 * intro, then its top entries and what it left out), and the footer as context. When the 50 blocks run
 * out, one line says how many sections, entries and how much money were left out, and where to see them.
 */
export function slackBlocks(message: Message): Block[] {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: cut(message.subject, HEADER_CHARS), emoji: false } },
  ];
  if (message.summary.length) {
    blocks.push({ type: "section", text: mrkdwn(message.summary.map(escapeMrkdwn).join("\n")) });
  }
  const footer: Block | null = message.footer.length
    ? { type: "context", elements: message.footer.slice(0, 10).map((line) => mrkdwn(escapeMrkdwn(line))) }
    : null;
  // Room left for sections: the footer's block and one for the line saying what did not fit are kept.
  const room = () => MAX_BLOCKS - blocks.length - (footer ? 1 : 0) - 1;
  const sections = message.sections;
  let done = 0;
  for (const section of sections) {
    // A divider, the title block and at least one block of entries.
    if (room() < 3) break;
    blocks.push({ type: "divider" });
    const head = [
      `*${escapeMrkdwn(section.title)}*`,
      ...(section.intro ? [escapeMrkdwn(section.intro)] : []),
    ];
    blocks.push({
      type: "section",
      text: mrkdwn(head.join("\n")),
      ...(section.facts?.length
        ? {
            fields: section.facts.slice(0, MAX_FIELDS).map((fact) => mrkdwn(escapeMrkdwn(fact), FIELD_CHARS)),
          }
        : {}),
    });
    const shown = section.lines.slice(0, LINES_PER_SECTION);
    const lines = shown.map((line) => `• ${escapeMrkdwn(cut(line, LINE_CHARS))}`);
    // Lines packed into as few section blocks as fit 3,000 characters each; what does not fit is left out.
    let text = "";
    let packed = 0;
    for (const line of lines) {
      if (text && text.length + 1 + line.length > TEXT_CHARS) {
        if (room() < 2) break;
        blocks.push({ type: "section", text: mrkdwn(text) });
        text = "";
      }
      text = text ? `${text}\n${line}` : line;
      packed++;
    }
    const more = moreLine(section, packed, message.currency);
    if (more) {
      const line = escapeMrkdwn(more);
      if (text.length + 1 + line.length > TEXT_CHARS) {
        blocks.push({ type: "section", text: mrkdwn(text) });
        text = line;
      } else text = text ? `${text}\n${line}` : line;
    }
    if (text) blocks.push({ type: "section", text: mrkdwn(text) });
    done++;
  }
  const rest = sections.slice(done);
  if (rest.length) blocks.push({ type: "section", text: mrkdwn(escapeMrkdwn(leftOut(message, rest))) });
  if (footer) blocks.push(footer);
  return blocks;
}

/** "…and 4 more sections: 37 entries, $120.00/month (link)": the sections a message had no room for. */
function leftOut(message: Message, rest: Section[]): string {
  const entries = rest.reduce((n, s) => n + (s.total ?? s.lines.length), 0);
  const amounts = rest.map((s) => amountLeftOut(s, 0));
  const worth = amounts.every((a): a is string => a !== null)
    ? `, ${money(sumDecimals(amounts), message.currency ?? null)}/month`
    : "";
  const where = message.link ? ` (${link("see them all", message.link)})` : "";
  return `…and ${rest.length} more section${rest.length === 1 ? "" : "s"}: ${entries.toLocaleString("en-US")} entries${worth}${where}`;
}

export const slack: ChannelType<{ webhookUrlEnv: string }> = {
  kind: "slack",
  label: (options) => `slack(${options.webhookUrlEnv})`,
  open(options, context) {
    const variable = options.webhookUrlEnv;
    const url = webhookUrl(
      context.secrets.read(variable, `the Slack webhook URL of ${context.where}`),
      variable,
    );
    return {
      // `text` is what notifications and old clients show; the blocks are the message.
      send: (message) =>
        postJson(url, JSON.stringify({ text: message.subject, blocks: slackBlocks(message) })),
    };
  },
};
