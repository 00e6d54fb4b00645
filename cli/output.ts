import Table from "cli-table3";
import { toJson } from "../core/json.js";

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/**
 * Writes `{ "<key>": [items...], ...rest }` where the items come already rendered as compact JSON, in
 * batches (findings rendered by DuckDB): one item per line.
 */
export async function printJsonWithRenderedList(
  key: string,
  batches: AsyncIterable<string[]>,
  rest: Record<string, unknown>,
): Promise<void> {
  await write(`{\n  ${JSON.stringify(key)}: [`);
  let count = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    await write(`${count ? "," : ""}\n    ${batch.join(",\n    ")}`);
    count += batch.length;
  }
  await write(`${count ? "\n  " : ""}]`);
  for (const [name, value] of Object.entries(rest)) {
    await write(`,\n  ${JSON.stringify(name)}: ${toJson(value).replace(/\n/g, "\n  ")}`);
  }
  await write("\n}\n");
}

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

export function printTable(head: string[], rows: string[][], alignRight: number[] = []): void {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY ? ["cyan"] : [], border: process.stdout.isTTY ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? "right" : "left")),
  });
  for (const row of rows) table.push(row);
  process.stdout.write(`${table.toString()}\n`);
}

/** Progress and notes go to stderr so that stdout stays one clean document. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A line of human output on stdout. */
export function printLine(message: string): void {
  process.stdout.write(`${message}\n`);
}
