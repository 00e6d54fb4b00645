import { isIP } from "node:net";
import nodemailer from "nodemailer";
import { LINK } from "../markup.js";
import { type Message, moreLine, renderText, titleLine } from "../message.js";
import { type ChannelType, DeliveryError } from "./channel.js";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Escaped, then the inline markup messages use: [text](url) becomes a link, `code` <code>. */
const inline = (text: string) =>
  escapeHtml(text)
    .replace(LINK, '<a href="$2">$1</a>')
    .replace(/`([^`]+)`/g, "<code>$1</code>");

/** The HTML part: the same content as the text part, plain markup that every mail client shows. */
export function renderHtml(message: Message): string {
  const out = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    `<h2>${inline(message.subject)}</h2>`,
    ...message.summary.map((line) => `<p>${inline(line)}</p>`),
  ];
  for (const section of message.sections) {
    out.push(`<h3>${inline(titleLine(section))}</h3>`);
    if (section.intro) out.push(`<p>${inline(section.intro)}</p>`);
    out.push("<ul>", ...section.lines.map((line) => `<li>${inline(line)}</li>`));
    const more = moreLine(section, section.lines.length, message.currency);
    if (more) out.push(`<li><em>${inline(more)}</em></li>`);
    out.push("</ul>");
  }
  if (message.footer.length) {
    out.push(
      '<hr><p style="color: #555; font-size: smaller">',
      message.footer.map(inline).join("<br>"),
      "</p>",
    );
  }
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}

const isLoopback = (host: string) =>
  host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));

/**
 * SMTP failures: a 4xx reply is temporary (greylisting, a full queue) and worth retrying; a 5xx reply or
 * a refused login will not change. Connection errors and timeouts are retried.
 */
function smtpError(error: unknown): DeliveryError {
  const e = error as { message?: string; responseCode?: number; code?: string };
  const message = `SMTP: ${e.message ?? String(error)}`;
  if (typeof e.responseCode === "number") return new DeliveryError(message, e.responseCode < 500);
  return new DeliveryError(message, e.code !== "EAUTH" && e.code !== "EENVELOPE");
}

export const email: ChannelType<{ to: string[] }> = {
  kind: "email",
  label: (options) => `email(${options.to.join(",")})`,
  open(options, context) {
    const smtp = context.notify.smtp;
    if (!smtp) {
      throw new DeliveryError(
        `${context.where} is an email channel but notify.smtp is not set (its host)`,
        false,
      );
    }
    if (smtp.user && !smtp.passwordEnv) {
      throw new DeliveryError(
        "notify.smtp.user is set without notify.smtp.passwordEnv (its password)",
        false,
      );
    }
    const password =
      smtp.user && smtp.passwordEnv
        ? context.secrets.read(smtp.passwordEnv, "the SMTP password of notify.smtp")
        : undefined;
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      // A password is never sent in clear: STARTTLS is required then, unless the server is this machine.
      requireTLS: password !== undefined && !smtp.secure && !isLoopback(smtp.host),
      ...(smtp.user && password !== undefined ? { auth: { user: smtp.user, pass: password } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    return {
      async send(message, attempt) {
        try {
          await transport.sendMail({
            from: context.notify.from,
            to: options.to,
            subject: message.subject,
            text: renderText(message),
            html: message.html ?? renderHtml(message),
            ...(message.attachments?.length
              ? {
                  attachments: message.attachments.map(({ filename, content, contentType }) => ({
                    filename,
                    content,
                    contentType,
                  })),
                }
              : {}),
            headers: { "X-Finops-Delivery": attempt.deliveryId },
          });
        } catch (error) {
          throw smtpError(error);
        }
      },
      close: () => transport.close(),
    };
  },
};
