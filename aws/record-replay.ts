import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PageScope, PageSource } from "./pages.js";

/**
 * The record folder: every page a recording run fetched, replayed without AWS.
 *
 * Layout: DIR/ACCOUNT/REGION/SERVICE/OPERATION[/PART]/page-0001.json, where PART tells apart several
 * calls of one operation (a bucket's tags, a batch of metric queries). A call that failed is saved as
 * {"error": {"name", "message"}} and fails again, the same way, on replay.
 */
export function scopeDir(root: string, scope: PageScope): string {
  const parts = [root, scope.account, scope.region, scope.service, scope.operation];
  if (scope.part !== undefined) parts.push(encodeURIComponent(scope.part));
  return join(...parts);
}

const pageFile = (index: number) => `page-${String(index).padStart(4, "0")}.json`;

/** An API error as saved in a record folder, thrown again on replay with the same name. */
export class RecordedApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Saves the index-th page of a call into its scope's folder. */
export async function recordPage(dir: string, index: number, page: unknown): Promise<void> {
  await writeFile(join(dir, pageFile(index)), `${JSON.stringify(withoutMetadata(page))}\n`);
}

/** Saves the failure of the index-th page of a call: its error's name and message. */
export async function recordPageError(dir: string, index: number, error: unknown): Promise<void> {
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  await writeFile(join(dir, pageFile(index)), `${JSON.stringify({ error: { name, message } })}\n`);
}

/** The SDK's $metadata (request ids, attempts) is transport, not data: it is not recorded. */
function withoutMetadata<P>(page: P): P {
  if (page && typeof page === "object" && "$metadata" in page) {
    const { $metadata: _, ...rest } = page as Record<string, unknown>;
    return rest as P;
  }
  return page;
}

export function replayPages(dir: string): PageSource {
  return new ReplayPageSource(dir);
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

/**
 * The accounts and regions a record folder holds, for a replay that needs no AWS at all. With `holding`,
 * only those that hold pages of a service it accepts (AWS's, not only a Kubernetes cluster's).
 */
export async function recordedScopes(
  dir: string,
  holding?: (service: string) => boolean,
): Promise<{ account: string; region: string }[]> {
  const scopes: { account: string; region: string }[] = [];
  const folders = async (path: string) =>
    (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const account of await folders(dir)) {
    for (const region of await folders(join(dir, account))) {
      if (holding && !(await folders(join(dir, account, region))).some(holding)) continue;
      scopes.push({ account, region });
    }
  }
  return scopes.sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`));
}
