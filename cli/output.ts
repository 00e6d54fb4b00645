import Table from "cli-table3";
import { toJson } from "../core/json.js";
import { fileNameProblem, jsonPieces, type OutputFile } from "./remote/output-files.js";
import { remoteSession } from "./remote/session.js";
import { type Column, displayWidth, fitCell, layoutTable, wrapText } from "./table-layout.js";

/**
 * Every byte of a command's output goes through these two: to this process's stdout and stderr, or, when
 * `finops serve` runs the command for a CLI elsewhere, back to that CLI (cli/remote/session.ts).
 */
export function writeStdout(text: string): void {
  const session = remoteSession();
  if (session) session.write("stdout", text);
  else process.stdout.write(text);
}

export function writeStderr(text: string): void {
  const session = remoteSession();
  if (session) session.write("stderr", text);
  else process.stderr.write(text);
}

/**
 * Whether the files a command makes go to a caller elsewhere (a remote session: sendOutputFile) instead
 * of into this machine's folders.
 */
export function outputFilesGoToCaller(): boolean {
  return remoteSession() !== undefined;
}

/** Sends a file the command made to the caller of a remote session, which writes it in its own folder. */
export function sendOutputFile(name: string, content: string): void {
  const session = remoteSession();
  if (!session) throw new Error(`${name}: no caller to send it to (this is not a remote session)`);
  const problem = fileNameProblem(name);
  if (problem) throw new Error(`cannot send the file ${JSON.stringify(name)}: ${problem}`);
  session.file(name, Buffer.from(content, "utf8"));
}

/** printLine of a file's path: in a remote session, the caller's path of the file sent to it. */
export function printOutputFile(file: OutputFile): void {
  const session = remoteSession();
  if (session) session.path(file.name, "line");
  else printLine(file.path);
}

/** Whether stdout is a terminal: the caller's, for a remote command. */
export function stdoutIsTerminal(): boolean {
  const session = remoteSession();
  return session ? session.color : Boolean(process.stdout.isTTY);
}

/** The value as JSON; its OutputFiles as their paths (the caller's, in a remote session). */
export function printJson(value: unknown): void {
  const session = remoteSession();
  if (!session) {
    writeStdout(`${toJson(value)}\n`);
    return;
  }
  for (const piece of jsonPieces(value)) {
    if (typeof piece === "string") writeStdout(piece);
    else session.path(piece.file, "json");
  }
  writeStdout("\n");
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
  if (remoteSession()) {
    writeStdout(text);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * How wide the output may be: $COLUMNS when set (scripts and tests fix it), else the terminal's width
 * when stdout is one, else no limit (a pipe or a file gets every character).
 */
export function outputWidth(): number {
  const session = remoteSession();
  if (session) return session.width ?? Number.POSITIVE_INFINITY;
  const fromEnv = Number(process.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  return Number.POSITIVE_INFINITY;
}

/**
 * Every table the CLI prints, fitted to outputWidth() (cli/table-layout.ts): columns given by name only
 * are shortened in the middle (right-aligned ones, money, never) and, when even that does not fit, left
 * out from the right; a Column says its own priority and how it is cut. Left-out columns are named below.
 */
export function printTable(columns: (string | Column)[], rows: string[][], alignRight: number[] = []): void {
  const specs: Column[] = columns.map((column, i) =>
    typeof column === "string"
      ? {
          head: column,
          align: alignRight.includes(i) ? "right" : "left",
          cut: alignRight.includes(i) ? "none" : "middle",
          ...(i > 0 ? { priority: -i } : {}),
        }
      : column,
  );
  const limit = outputWidth();
  const layout = layoutTable(specs, rows, limit);
  const width = (i: number) => layout.widths.get(i) ?? 0;
  const head = layout.shown.map((i) => fitCell(specs[i]?.head ?? "", width(i), "end"));
  if (rows.length > PLAIN_TABLE_ROWS) {
    const writer = plainTableWriter(head, plainColumns(specs, layout));
    writer.rows(rows);
    writer.end();
  } else {
    printSmallTable(head, rows, specs, layout.shown, width);
  }
  if (layout.dropped.length) {
    printLine(`Not shown, to fit ${limit} columns: ${layout.dropped.join(", ")} (--json has every field).`);
  }
}

/**
 * Above this many rows a table is written line by line instead of by cli-table3, which takes about 1.5 ms
 * a row (20,000 rows: 30 s) and overflows the stack near a million (`costs --by resource` of a large bill).
 * The same characters, without colours.
 */
const PLAIN_TABLE_ROWS = 1000;

/** Whether printTable writes this many rows as a plain table (and printLargeTable writes them the same). */
export function isLargeTable(rowCount: number): boolean {
  return rowCount > PLAIN_TABLE_ROWS;
}

/**
 * A table too large to hold (millions of rows), written as printTable writes a large one: `blocks` gives
 * its rows twice, once to measure the columns, once to write them, a block at a time.
 */
export async function printLargeTable(
  specs: Column[],
  blocks: () => AsyncIterable<string[][]>,
): Promise<void> {
  // The widest cell of each column stands for all of them: the layout reads no more than that.
  const widest = specs.map(() => "");
  for await (const block of blocks()) {
    for (const row of block) {
      for (const [i, cell] of row.entries()) {
        if (displayWidth(cell) > displayWidth(widest[i] ?? "")) widest[i] = cell;
      }
    }
  }
  const limit = outputWidth();
  const layout = layoutTable(specs, [widest], limit);
  const head = layout.shown.map((i) => fitCell(specs[i]?.head ?? "", layout.widths.get(i) ?? 0, "end"));
  const writer = plainTableWriter(head, plainColumns(specs, layout));
  for await (const block of blocks()) writer.rows(block);
  writer.end();
  if (layout.dropped.length) {
    printLine(`Not shown, to fit ${limit} columns: ${layout.dropped.join(", ")} (--json has every field).`);
  }
}

/** Writes what printJson writes for the array of every block's items, an item at a time. */
export async function printJsonArray(blocks: AsyncIterable<unknown[]>): Promise<void> {
  let count = 0;
  for await (const block of blocks) {
    if (block.length === 0) continue;
    const items = block.map((item) => `  ${toJson(item).replace(/\n/g, "\n  ")}`);
    await write(`${count ? ",\n" : "[\n"}${items.join(",\n")}`);
    count += block.length;
  }
  await write(count ? "\n]\n" : "[]\n");
}

interface PlainColumn {
  width: number;
  align: "left" | "right";
  cut: Column["cut"];
  index: number;
}

function plainColumns(specs: Column[], layout: ReturnType<typeof layoutTable>): PlainColumn[] {
  return layout.shown.map((i) => ({
    width: layout.widths.get(i) ?? 0,
    align: specs[i]?.align ?? "left",
    cut: specs[i]?.cut,
    index: i,
  }));
}

function plainTableWriter(head: string[], columns: PlainColumn[]) {
  const line = (left: string, middle: string, right: string) =>
    `${left}${columns.map((c) => "─".repeat(c.width + 2)).join(middle)}${right}\n`;
  const row = (cells: string[]) =>
    `│${cells
      .map((cell, c) => {
        const pad = " ".repeat((columns[c]?.width ?? 0) - displayWidth(cell));
        return ` ${columns[c]?.align === "right" ? pad + cell : cell + pad} `;
      })
      .join("│")}│\n`;
  // Written a block at a time: the text of a million rows is never one string.
  let block = line("┌", "┬", "┐") + row(head);
  let written = 0;
  return {
    rows(rows: string[][]) {
      for (const cells of rows) {
        block += row(columns.map((c) => fitCell(cells[c.index] ?? "", c.width, c.cut)));
        if (++written % 10_000 === 0) {
          writeStdout(block);
          block = "";
        }
      }
    },
    end() {
      writeStdout(`${block}${line("└", "┴", "┘")}`);
    },
  };
}

function printSmallTable(
  head: string[],
  rows: string[][],
  specs: Column[],
  shown: number[],
  width: (i: number) => number,
): void {
  const table = new Table({
    head,
    style: { head: stdoutIsTerminal() ? ["cyan"] : [], border: stdoutIsTerminal() ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: shown.map((i) => specs[i]?.align ?? "left"),
  });
  for (const row of rows) table.push(shown.map((i) => fitCell(row[i] ?? "", width(i), specs[i]?.cut)));
  writeStdout(`${table.toString()}\n`);
}

/** Progress and notes go to stderr so that stdout stays one clean document. */
export function note(message: string): void {
  writeStderr(`${message}\n`);
}

/** A line of human output on stdout, wrapped at spaces to the output's width. */
export function printLine(message: string): void {
  const width = outputWidth();
  const lines = message
    .split("\n")
    .flatMap((line) => (Number.isFinite(width) ? wrapText(line, width) : [line]));
  writeStdout(`${lines.join("\n")}\n`);
}
