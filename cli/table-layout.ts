/**
 * How a table fits a terminal: which columns are shown and how wide each is. One layout for every table
 * the CLI prints (cli/output.ts printTable): a column too wide is shortened (an id in the middle, keeping
 * its start and its end; prose at its end), and only when even the shortened columns do not fit are the
 * least important ones left out, the lowest priority first.
 */
export interface Column {
  head: string;
  align?: "left" | "right";
  /**
   * Higher is kept longer. The column with the lowest priority is left out first when the table cannot fit
   * even with every column at its narrowest. Without one, a column is never left out.
   */
  priority?: number;
  /**
   * How a cell too wide is shortened: "middle" (ids and names: "i-0c675e…4372888", start and end kept),
   * "end" (prose: "idle for 14 days: CPU…"), "none" (money, dates, short codes: shown whole, or the column
   * left out). Default "middle".
   */
  cut?: "middle" | "end" | "none";
  /** The narrowest a shortened column gets (default 12, or its widest cell when that is narrower). */
  minWidth?: number;
  /** The widest the column gets, however wide the terminal (long prose is cut at this width). */
  maxWidth?: number;
}

export interface Layout {
  /** Indexes of the columns shown, in their order. */
  shown: number[];
  /** The width of each shown column's text (padding and borders aside), by column index. */
  widths: Map<number, number>;
  /** The heads of the columns left out. */
  dropped: string[];
}

/** Width on screen: one per code point (the tables hold no wide or combining characters). */
export const displayWidth = (text: string): number => Array.from(text).length;

/** A table's borders and padding: "│ a │ b │" is each column's width + 3, + 1. */
export const tableOverhead = (columns: number): number => 3 * columns + 1;

const DEFAULT_MIN = 12;

export function layoutTable(columns: Column[], rows: string[][], limit: number): Layout {
  const natural = columns.map((column, i) => {
    // A loop, not Math.max(...cells): a spread of a million rows' cells overflows the stack.
    const widest = rows.reduce(
      (max, row) => Math.max(max, displayWidth(row[i] ?? "")),
      displayWidth(column.head),
    );
    return Math.min(widest, column.maxWidth ?? Number.POSITIVE_INFINITY);
  });
  const narrowest = columns.map((column, i) =>
    column.cut === "none" ? (natural[i] ?? 0) : Math.min(natural[i] ?? 0, column.minWidth ?? DEFAULT_MIN),
  );
  const shown = columns.map((_, i) => i);
  const dropped: number[] = [];
  const sum = (list: number[], of: number[]) => list.reduce((total, i) => total + (of[i] ?? 0), 0);
  const budget = () => limit - tableOverhead(shown.length);
  // Leave out the least important columns until the rest fit at their narrowest.
  while (sum(shown, narrowest) > budget()) {
    const droppable = shown.filter((i) => columns[i]?.priority !== undefined);
    if (droppable.length === 0 || shown.length === 1) break;
    const least = droppable.reduce((worst, i) =>
      (columns[i]?.priority ?? 0) <= (columns[worst]?.priority ?? 0) ? i : worst,
    );
    shown.splice(shown.indexOf(least), 1);
    dropped.push(least);
  }
  // Shorten the shown columns, the least important first, each down to its narrowest, until they fit.
  const widths = new Map(shown.map((i) => [i, natural[i] ?? 0]));
  let excess = sum(shown, natural) - budget();
  const shorteningOrder = [...shown].sort(
    (a, b) => rank(columns[a]) - rank(columns[b]) || (natural[b] ?? 0) - (natural[a] ?? 0),
  );
  for (const i of shorteningOrder) {
    if (excess <= 0) break;
    const width = widths.get(i) ?? 0;
    const cut = Math.min(excess, width - (narrowest[i] ?? 0));
    if (cut <= 0) continue;
    widths.set(i, width - cut);
    excess -= cut;
  }
  return { shown, widths, dropped: dropped.sort((a, b) => a - b).map((i) => columns[i]?.head ?? "") };
}

/** A column without a priority is shortened last (it is never left out either). */
const rank = (column: Column | undefined) => column?.priority ?? Number.POSITIVE_INFINITY;

/** The text shortened to `width` as its column says: the middle of an id, the end of prose. */
export function fitCell(text: string, width: number, cut: Column["cut"] = "middle"): string {
  const chars = Array.from(text);
  if (chars.length <= width || cut === "none") return text;
  if (width <= 1) return "…".slice(0, width);
  if (cut === "end") return `${chars.slice(0, width - 1).join("")}…`;
  const kept = width - 1;
  const head = Math.ceil(kept / 2);
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (kept - head)).join("")}`;
}

/** Words wrapped to `width`, continuation lines indented like the first; a longer word stays whole. */
export function wrapText(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const indent = /^\s*/.exec(text)?.[0] ?? "";
  const lines: string[] = [];
  let line = "";
  for (const word of text.trim().split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : `${indent}${word}`;
    if (line && displayWidth(candidate) > width) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}
