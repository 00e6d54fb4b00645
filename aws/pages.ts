import { mkdir } from "node:fs/promises";
import { recordPage, recordPageError, scopeDir } from "./record-replay.js";

/**
 * Where the raw API response pages of a run come from: AWS (live), AWS with every page saved
 * (record), or a folder of saved pages (replay, in record-replay.ts). Callers parse pages the same
 * way whatever the source: live and replay differ only here.
 */
export interface PageScope {
  account: string;
  region: string;
  service: string;
  operation: string;
  /** Tells apart several calls of one operation in one account and region. */
  part?: string;
}

/** Fetches one page: the token of the page (undefined for the first) in, the page and the next token out. */
export type FetchPage<P> = (token: string | undefined) => Promise<{ page: P; next?: string | undefined }>;

export interface PageSource {
  readonly mode: "live" | "record" | "replay";
  /** Every page of one (paginated) call, in order. */
  pages<P>(scope: PageScope, fetch: FetchPage<P>): AsyncIterable<P>;
  /** Calls made to AWS so far, by "service:operation" (none on replay). */
  readonly apiCalls: Map<string, number>;
}

export function livePages(): PageSource {
  return new AwsPageSource();
}

export function recordingPages(dir: string): PageSource {
  return new AwsPageSource(dir);
}

class AwsPageSource implements PageSource {
  readonly mode: "live" | "record";
  readonly apiCalls = new Map<string, number>();

  constructor(private readonly recordDir?: string) {
    this.mode = recordDir ? "record" : "live";
  }

  async *pages<P>(scope: PageScope, fetch: FetchPage<P>): AsyncIterable<P> {
    const dir = this.recordDir ? scopeDir(this.recordDir, scope) : undefined;
    if (dir) await mkdir(dir, { recursive: true });
    let token: string | undefined;
    let index = 1;
    do {
      const key = `${scope.service}:${scope.operation}`;
      this.apiCalls.set(key, (this.apiCalls.get(key) ?? 0) + 1);
      let result: { page: P; next?: string | undefined };
      try {
        result = await fetch(token);
      } catch (error) {
        if (dir) await recordPageError(dir, index, error);
        throw error;
      }
      if (dir) await recordPage(dir, index, result.page);
      yield result.page;
      token = result.next || undefined;
      index++;
    } while (token);
  }
}

/** The one page of an unpaginated call, through the page source (recorded and replayed like any other). */
export async function firstPage<P>(pages: PageSource, scope: PageScope, call: () => Promise<P>): Promise<P> {
  for await (const page of pages.pages<P>(scope, async () => ({ page: await call() }))) return page;
  throw new Error(`${scope.service}:${scope.operation}: no answer`);
}

/** A view of a page source that counts the AWS calls made through it (one collector's own count). */
export function countingPages(source: PageSource): PageSource & { calls: () => number } {
  let calls = 0;
  return {
    mode: source.mode,
    apiCalls: source.apiCalls,
    calls: () => calls,
    pages<P>(scope: PageScope, fetch: FetchPage<P>) {
      return source.pages<P>(scope, (token) => {
        calls++;
        return fetch(token);
      });
    },
  };
}
