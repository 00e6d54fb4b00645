import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { openStore } from "../../store/database.js";

/** The project root: compiled tests live in dist/test/helpers/. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The outside world's FOCUS sample, beside the project (see ../shared/data/README.md). */
export const FOCUS_SAMPLE = resolve(PROJECT_ROOT, "../shared/data/focus-1.0-sample.csv");

export const FIXTURES = join(PROJECT_ROOT, "test/fixtures");

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = "finops-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * An empty database at `path`, made as `finops ingest` or `collect` would: the read commands refuse a
 * path with no database (they never create one), so a test of a read on nothing makes it first.
 */
export async function emptyDatabase(path: string): Promise<string> {
  (await openStore(path)).close();
  return path;
}

/** The rows of one query on a database, opened read-only (and never loading an extension). */
export async function readDatabase(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(db, {
    access_mode: "READ_ONLY",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  try {
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
