import { type Message, moreLine } from "../message.js";
import type { ChannelType } from "./channel.js";
import { postJson, webhookUrl } from "./http.js";

/**
 * Slack's documented limits: 50 blocks a message, 150 characters of header, 3,000 characters of section
 * or context text, 10 context elements. Slack rejects a message over any of them (invalid_blocks), so
 * every text is cut to fit, and lists say how many entries they left out.
 */
const MAX_BLOCKS = 50;
const HEADER_CHARS = 150;
const TEXT_CHARS = 3_000;
/** A chat message is read, not searched: the longest list it shows; the email and outbox hold more. */
const LINES_PER_SECTION = 15;
const LINE_CHARS = 400;

type Block = Record<string, unknown>;

/** Slack's mrkdwn treats &, < and > as markup: escaped, a reason or a tag cannot break the message. */
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const mrkdwn = (text: string) => ({ type: "mrkdwn", text: cut(text, TEXT_CHARS) });

/** The message as Block Kit: a header, the totals, each list (its top entries), and the footer as context. */
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
  // Room for the sections: the blocks so far, the footer, and one divider per section.
  const room = () => MAX_BLOCKS - blocks.length - (footer ? 1 : 0);
  for (const section of message.sections) {
    if (room() < 2) break;
    blocks.push({ type: "divider" });
    const shown = section.lines.slice(0, LINES_PER_SECTION);
    const lines = shown.map((line) => `• ${escapeMrkdwn(cut(line, LINE_CHARS))}`);
    const more = moreLine(section, shown.length);
    if (more) lines.push(escapeMrkdwn(more));
    // Lines packed into as few section blocks as fit 3,000 characters each.
    let text = `*${escapeMrkdwn(section.title)}*`;
    for (const line of lines) {
      if (text.length + 1 + line.length > TEXT_CHARS) {
        if (room() < 2) break;
        blocks.push({ type: "section", text: mrkdwn(text) });
        text = line;
      } else {
        text += `\n${line}`;
      }
    }
    blocks.push({ type: "section", text: mrkdwn(text) });
  }
  if (footer) blocks.push(footer);
  return blocks;
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
