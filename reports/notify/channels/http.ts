import { DeliveryError } from "./channel.js";

/** The URL a variable holds, checked; a bad one fails the channel without showing it. */
export function webhookUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeliveryError(`environment variable ${variable} does not hold a URL`, false);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DeliveryError(`environment variable ${variable} does not hold an http(s) URL`, false);
  }
  return url;
}

const TIMEOUT_MS = 15_000;

/**
 * POSTs a JSON body. Network errors, timeouts, 408, 429 and 5xx are worth retrying; any other 4xx
 * (Slack's 403 invalid_token, 404 no_service, 400 invalid_blocks) will not get better by waiting.
 * Redirects are refused: a payload is never carried to a place the configured URL did not name.
 */
export async function postJson(url: URL, body: string, headers: Record<string, string> = {}): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "user-agent": "finops", ...headers },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new DeliveryError(`no answer: ${networkReason(error)}`, true);
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 200);
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const seconds = Number(response.headers.get("retry-after"));
  throw new DeliveryError(
    `HTTP ${response.status}${text ? `: ${text}` : ` ${response.statusText}`}`,
    retryable,
    Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
  );
}

/** fetch says only "fetch failed": the reason is in its cause (ECONNREFUSED, a timeout, a TLS error). */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError")
    return `timed out after ${TIMEOUT_MS / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
