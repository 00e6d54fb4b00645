import type { FetchPage, PageScope } from "../../aws/pages.js";
import type { CollectScope } from "./resource.js";

/** The one page of an unpaginated call (undefined when a replay folder has none). */
export async function onePage<P>(
  scope: CollectScope,
  at: PageScope,
  fetch: FetchPage<P>,
): Promise<P | undefined> {
  let first: P | undefined;
  for await (const page of scope.pages.pages<P>(at, fetch)) first ??= page;
  return first;
}

/** Every page of a paginated call, in order. */
export async function allPages<P>(scope: CollectScope, at: PageScope, fetch: FetchPage<P>): Promise<P[]> {
  const pages: P[] = [];
  for await (const page of scope.pages.pages<P>(at, fetch)) pages.push(page);
  return pages;
}

/** The error's name: the AWS error code for SDK errors and for errors replayed from a record. */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Maps items with at most `limit` calls in flight; results keep the items' order. After a failure no
 * new item is started, and the first failure is thrown once the calls in flight have ended.
 */
export async function mapLimit<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
