/**
 * What every recorded page of the demo's replay folder shares: the folder (cleared only when it is an
 * earlier demo replay), the writer of a call's pages in aws/record-replay.ts's layout, AWS-style
 * pagination, and the small spellings of ids, times and tags the services' pages use. Identifiers are
 * hashed from keys, so the folder is byte-for-byte the same for the same seed and anchor.
 */
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PageScope } from "../aws/pages.js";
import { scopeDir } from "../aws/record-replay.js";
import { hash32 } from "./random.js";

/** The file at the top of a replay folder that marks it as the demo's (and so safe to replace). */
export const REPLAY_MARKER = "finops-demo-replay.json";

/** A call's place in the folder, in one account and region (or "global"): service, operation, part. */
export type ScopeOf = (service: string, operation: string, part?: string) => PageScope;

/** Empties `dir` if it holds an earlier demo replay; creates it if missing; refuses anything else. */
export async function clearFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new Error(`${dir} exists and is not a folder`);
  const entries = info ? await readdir(dir) : [];
  if (entries.length > 0) {
    if (!entries.includes(REPLAY_MARKER)) {
      throw new Error(
        `${dir} is not empty and is not a demo replay folder (no ${REPLAY_MARKER}): not replacing it`,
      );
    }
    for (const entry of entries) await rm(join(dir, entry), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

export class PageWriter {
  files = 0;
  bytes = 0;

  constructor(private readonly root: string) {}

  async page(scope: PageScope, pages: unknown[]): Promise<void> {
    const dir = scopeDir(this.root, scope);
    await mkdir(dir, { recursive: true });
    for (const [index, page] of pages.entries()) {
      const text = `${JSON.stringify(page)}\n`;
      await writeFile(join(dir, `page-${String(index + 1).padStart(4, "0")}.json`), text);
      this.files++;
      this.bytes += Buffer.byteLength(text);
    }
  }
}

/**
 * Items in pages of `size`, each page built by `build(items, nextToken)`; the token is undefined on
 * the last page. An empty list is one empty page, as AWS answers it.
 */
export function paginate<T>(
  items: T[],
  size: number,
  build: (items: T[], next: string | undefined) => object,
): object[] {
  const pages: object[] = [];
  for (let i = 0; i < items.length || i === 0; i += size) {
    const last = i + size >= items.length;
    pages.push(build(items.slice(i, i + size), last ? undefined : token(`${i}|${items.length}`)));
  }
  return pages;
}

/** An opaque pagination token. */
function token(key: string): string {
  return Buffer.from(hexOf(key, 48), "hex").toString("base64");
}

export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Lower-case hex digits hashed from a key. */
export function hexOf(key: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += hash32(`${key}#${i}`).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

export const isoMs = (ms: number) => new Date(ms).toISOString();
export const isoOf = (iso: string) => new Date(iso).toISOString();

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags as DescribeX answers them: no Tags member at all when there are none. */
export function tagsMember(tags: Record<string, string>): { Tags?: { Key: string; Value: string }[] } {
  return Object.keys(tags).length > 0 ? { Tags: tagList(tags) } : {};
}

export function apiError(name: string, message: string): { error: { name: string; message: string } } {
  return { error: { name, message } };
}

/** The VPC of an account and region: its instances', else one hashed from the pair. */
export function vpcIdOf(
  instances: { account: string; region: string; vpcId: string }[],
  account: string,
  region: string,
) {
  return (
    instances.find((i) => i.account === account && i.region === region)?.vpcId ??
    `vpc-0${hexOf(`${account}|${region}|vpc`, 16)}`
  );
}

/** Items in pages of `size` (at least one page), for APIs whose next token is built from the page. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length || i === 0; i += size) out.push(items.slice(i, i + size));
  return out;
}
