import type { IncomingMessage } from "node:http";

/** A fixture route: its path, and the answer (status, body, headers) to a request. */
export type MockRoute = [
  RegExp,
  (
    match: RegExpMatchArray,
    q: URLSearchParams,
    req: IncomingMessage,
  ) => [number, unknown, Record<string, string>?],
];

/** Sends a JSON answer (after MOCK_DELAY). */
export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;
