import Table from "cli-table3";
import { Decimal } from "../store/money.js";

const MARK = "\u0000decimal:";

/** JSON.stringify, except that Decimal values become exact number literals. */
export function toJson(value: unknown, indent: number | undefined = 2): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (v instanceof Decimal ? `${MARK}${v}` : v),
    indent,
  );
  return text.replace(/"\\u0000decimal:(-?[0-9.]+)"/g, "$1");
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/**
 * Writes `{ "<key>": [items...], ...rest }` one item at a time: a million findings as one string would
 * pass V8's string length limit. The document is the same as printJson would write.
 */
export async function printJsonWithList(
  key: string,
  items: unknown[],
  rest: Record<string, unknown>,
): Promise<void> {
  const indent = (text: string) => text.replace(/\n/g, "\n    ");
  await write(`{\n  ${JSON.stringify(key)}: [`);
  let chunk = "";
  for (const [index, item] of items.entries()) {
    chunk += `${index ? "," : ""}\n    ${indent(toJson(item))}`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(`${chunk}${items.length ? "\n  " : ""}]`);
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
