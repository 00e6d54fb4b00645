/**
 * Secrets (webhook URLs, the SMTP password) live in environment variables that rules.yaml names, never
 * in the file. Everywhere finops shows a channel, it shows the variable's NAME. Anything that could carry
 * a value (a library's error, an HTTP error body echoing the URL) goes through `redact` before it is
 * printed, logged or journaled.
 */

/** A channel's variable is not set: that channel fails, with the variable's name (never a value). */
export class MissingSecret extends Error {
  override readonly name = "MissingSecret";
}

export class Secrets {
  /** [text to hide, the variable it came from], longest first so that a longer form wins. */
  private readonly hidden: [string, string][] = [];

  /**
   * Every key ending in "Env" anywhere in `config` names a secret variable: the notify channels, the
   * SMTP password, the weekly report's recipients, and whatever is added later.
   */
  constructor(
    config: unknown,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const names = new Set<string>();
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          if (key.endsWith("Env") && typeof inner === "string") names.add(inner);
          else walk(inner);
        }
      }
    };
    walk(config);
    for (const name of names) {
      const value = env[name];
      if (value) for (const form of forms(value)) this.hidden.push([form, name]);
    }
    this.hidden.sort(([a], [b]) => b.length - a.length);
  }

  /** The variable's value; a missing or empty one throws, naming the variable and what it is for. */
  read(name: string, what: string): string {
    const value = this.env[name];
    if (!value) throw new MissingSecret(`environment variable ${name} is not set (${what})`);
    return value;
  }

  /** The text with every secret value replaced by $NAME of its variable. */
  redact(text: string): string {
    let out = text;
    for (const [secret, name] of this.hidden) out = out.split(secret).join(`$${name}`);
    return out;
  }
}

/** The ways a value shows up in messages: as is, URL-encoded, and a URL's path without its origin. */
function forms(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value)]);
  try {
    const url = new URL(value);
    const path = `${url.pathname}${url.search}`;
    // The path and query of a Slack or webhook URL hold its token; a bare "/" holds nothing.
    if (path.length >= 8) out.add(path);
    if (url.password) out.add(url.password);
  } catch {
    // not a URL: a password
  }
  return [...out];
}
