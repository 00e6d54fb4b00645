import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks an Authorization header against the token: 401 without a bearer token (or without a token
 * configured: approving is then off), 403 with a wrong one, null when it matches. Both sides are hashed
 * first, so the comparison takes the same time whatever the length or content of the guess.
 */
export function bearerCheck(
  header: string | undefined,
  token: string | undefined,
): { status: 401 | 403; error: string } | null {
  if (!token) {
    return {
      status: 401,
      error: "approving from the web view is off: set FINOPS_WEB_TOKEN for finops serve",
    };
  }
  // Auth schemes are case-insensitive (RFC 7235): bearer, Bearer and BEARER are the same.
  const match = /^bearer +(\S.*)$/i.exec(header ?? "");
  if (!match) return { status: 401, error: "an Authorization: Bearer token is required" };
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(match[1] as string), digest(token))
    ? null
    : { status: 403, error: "wrong token" };
}
