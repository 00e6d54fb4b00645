import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "../../store/database.js";
import { scratchDirectory } from "../../store/scratch.js";
import { ingestFiles } from "./ingest.js";
import { ROLLUP_COLUMNS } from "./trino-rollup.js";

/**
 * What the roll-up engines (Trino, Athena) share once their rows arrive: the FOCUS CSV they are written
 * to and its load into the local store.
 */

/** The first day of the oldest billing period pulled: `months` periods back, counting the current one. */
export function firstPeriod(now: Date, months: number): string {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  return first.toISOString().slice(0, 10);
}

/**
 * Writes the roll-up's rows (ROLLUP_COLUMNS' order; null is NULL) to a FOCUS CSV in scratch space and
 * loads it as one FOCUS load, so it replaces what an earlier pull brought for the same provider,
 * billing account and billing period. Returns the rows loaded (none read: nothing is loaded).
 */
export async function loadRollup(
  store: Store,
  rows: AsyncIterable<readonly unknown[]>,
  engine: string,
): Promise<number> {
  const scratch = await mkdtemp(join(scratchDirectory(), `${engine}-`));
  try {
    const path = join(scratch, "rollup.csv");
    const written = await writeRollupCsv(rows, path);
    if (written === 0) return 0;
    // The roll-up has fewer rows than the line items an earlier file load of the same period held.
    const result = await ingestFiles(store, [path], { format: "focus", allowShrink: true });
    return result.rowsLoaded;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Streams the rows to a FOCUS CSV file (every field quoted; an empty field is NULL). */
async function writeRollupCsv(rows: AsyncIterable<readonly unknown[]>, path: string): Promise<number> {
  const out = createWriteStream(path);
  const line = (fields: string[]) => `${fields.join(",")}\n`;
  const field = (value: unknown) =>
    value === null || value === undefined ? "" : `"${String(value).replace(/"/g, '""')}"`;
  let written = 0;
  try {
    out.write(line(ROLLUP_COLUMNS.map((name) => field(name))));
    for await (const row of rows) {
      if (row.length !== ROLLUP_COLUMNS.length)
        throw new Error(`the roll-up gave a row of ${row.length} values, not ${ROLLUP_COLUMNS.length}`);
      if (!out.write(line(row.map(field)))) await once(out, "drain");
      written++;
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  return written;
}
