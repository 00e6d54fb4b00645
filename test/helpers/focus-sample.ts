import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { FOCUS_SAMPLE } from "./project.js";

export type SampleRow = Record<string, string | null>;

/** The FOCUS sample's rows as the test reads them itself: the literal NULL is a missing value. */
export function readSample(path = FOCUS_SAMPLE): { columns: string[]; rows: SampleRow[] } {
  const records: string[][] = parse(readFileSync(path), { relax_quotes: false });
  const [columns = [], ...data] = records;
  const rows = data.map((record) =>
    Object.fromEntries(columns.map((name, i) => [name, record[i] === "NULL" ? null : (record[i] ?? null)])),
  );
  return { columns, rows };
}
