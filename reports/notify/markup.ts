/**
 * The inline markup of messages (message.ts): `code` in backticks and links as [text](url). A URL is
 * made safe for every rendering first: no space, parenthesis, pipe or angle bracket is left in it
 * (each would end a Markdown, Slack or HTML link early), only their percent-encodings.
 */
export function link(text: string, url: string): string {
  const safe = url.replace(
    /[\s()|<>"`[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `[${text.replace(/[[\]]/g, "")}](${safe})`;
}

/** A link of the markup (http and https only): its text and URL, as groups 1 and 2. */
export const LINK = /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;
