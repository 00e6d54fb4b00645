import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where the raw API response pages of a collection come from: AWS (live), AWS with every page saved
 * (record), or a folder of saved pages (replay). Collectors parse pages the same way whatever the
 * source: live and replay differ only here.
 *
 * Layout of a record folder: DIR/ACCOUNT/REGION/SERVICE/OPERATION[/PART]/page-0001.json, where PART
 * tells apart several calls of one operation (a bucket's tags, a batch of metric queries). A call that
 * failed is saved as {"error": {"name", "message"}} and fails again, the same way, on replay.
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

/** An API error as saved in a record folder, thrown again on replay with the same name. */
export class RecordedApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function livePages(): PageSource {
  return new AwsPageSource();
}

export function recordingPages(dir: string): PageSource {
  return new AwsPageSource(dir);
}

export function replayPages(dir: string): PageSource {
  return new ReplayPageSource(dir);
}

export function scopeDir(root: string, scope: PageScope): string {
  const parts = [root, scope.account, scope.region, scope.service, scope.operation];
  if (scope.part !== undefined) parts.push(encodeURIComponent(scope.part));
  return join(...parts);
}

const pageFile = (index: number) => `page-${String(index).padStart(4, "0")}.json`;

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
        if (dir) {
          const { name, message } =
            error instanceof Error ? error : { name: "Error", message: String(error) };
          await writeFile(join(dir, pageFile(index)), `${JSON.stringify({ error: { name, message } })}\n`);
        }
        throw error;
      }
      if (dir)
        await writeFile(join(dir, pageFile(index)), `${JSON.stringify(withoutMetadata(result.page))}\n`);
      yield result.page;
      token = result.next || undefined;
      index++;
    } while (token);
  }
}

class ReplayPageSource implements PageSource {
  readonly mode = "replay" as const;
  readonly apiCalls = new Map<string, number>();

  constructor(private readonly dir: string) {}

  async *pages<P>(scope: PageScope): AsyncIterable<P> {
    const dir = scopeDir(this.dir, scope);
    const files = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => /^page-\d+\.json$/.test(f))
      .sort();
    for (const file of files) {
      const page = JSON.parse(await readFile(join(dir, file), "utf8")) as {
        error?: { name: string; message: string };
      };
      if (page.error) throw new RecordedApiError(page.error.name, page.error.message);
      yield page as Awaited<P>;
    }
  }
}

/** The SDK's $metadata (request ids, attempts) is transport, not data: it is not recorded. */
function withoutMetadata<P>(page: P): P {
  if (page && typeof page === "object" && "$metadata" in page) {
    const { $metadata: _, ...rest } = page as Record<string, unknown>;
    return rest as P;
  }
  return page;
}

/** The accounts and regions a record folder holds, for a replay that needs no AWS at all. */
export async function recordedScopes(dir: string): Promise<{ account: string; region: string }[]> {
  const scopes: { account: string; region: string }[] = [];
  for (const account of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    for (const region of (await readdir(join(dir, account.name), { withFileTypes: true })).filter((e) =>
      e.isDirectory(),
    )) {
      scopes.push({ account: account.name, region: region.name });
    }
  }
  return scopes.sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`));
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
