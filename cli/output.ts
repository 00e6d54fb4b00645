import Table from "cli-table3";
import { Decimal } from "../store/money.js";

const MARK = "\u0000decimal:";

/** JSON.stringify, except that Decimal values become exact number literals. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Decimal ? `${MARK}${v}` : v), 2);
  return text.replace(/"\\u0000decimal:(-?[0-9.]+)"/g, "$1");
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

export function printTable(head: string[], rows: string[][], alignRight: number[] = []): void {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY ? ["cyan"] : [], border: process.stdout.isTTY ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? "right" : "left")),
  });
  table.push(...rows);
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
