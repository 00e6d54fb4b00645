import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether a token given matches the one expected. Both sides are hashed first, so the comparison takes
 * the same time whatever the length or content of the guess; neither is ever logged or echoed.
 */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer` header, or null without one. */
function bearerOf(header: string | undefined): string | null {
  // Auth schemes are case-insensitive (RFC 7235): bearer, Bearer and BEARER are the same.
  const match = /^bearer +(\S.*)$/i.exec(header ?? "");
  return match ? (match[1] as string) : null;
}

export interface Denied {
  status: 401 | 403;
  error: string;
}

/**
 * Checks an Authorization header against the token: 401 without a bearer token (or without a token
 * configured: approving is then off), 403 with a wrong one, null when it matches.
 */
export function bearerCheck(header: string | undefined, token: string | undefined): Denied | null {
  if (!token) {
    return {
      status: 401,
      error: "approving from the web view is off: set FINOPS_WEB_TOKEN for finops serve",
    };
  }
  const given = bearerOf(header);
  if (given === null) return { status: 401, error: "an Authorization: Bearer token is required" };
  return tokenMatches(given, token) ? null : { status: 403, error: "wrong token" };
}

/** Who may read the API (GET /api/..., the CLI's API /api/cli included). */
export interface ReadAccess {
  /** FINOPS_READ_TOKEN: reads only. */
  readToken?: string;
  /** FINOPS_WEB_TOKEN: approves and runs jobs, and reads too. */
  approverToken?: string;
  /** The server listens on loopback only: whoever reaches it is on this machine, and reads need no token. */
  loopbackOnly: boolean;
}

/**
 * Checks a read of the API: open on a loopback listener; beyond it, the read token or the
 * approver token (401 without one, or when the server has neither; 403 with another). Both tokens are
 * always compared, so the time taken does not tell which one a guess came close to.
 */
export function readCheck(header: string | undefined, access: ReadAccess): Denied | null {
  if (access.loopbackOnly) return null;
  const tokens = [access.readToken, access.approverToken].filter((t): t is string => Boolean(t));
  if (!tokens.length) {
    return {
      status: 401,
      error:
        "this server listens beyond loopback and has no token for reads: set FINOPS_READ_TOKEN (or FINOPS_WEB_TOKEN) for finops serve",
    };
  }
  const given = bearerOf(header);
  if (given === null) return { status: 401, error: "an Authorization: Bearer token is required" };
  const matches = tokens.map((token) => tokenMatches(given, token));
  return matches.includes(true) ? null : { status: 403, error: "wrong token" };
}
