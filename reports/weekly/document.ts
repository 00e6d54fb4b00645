import { compare, ZERO } from "../../core/decimal.js";
import type { Decimal } from "../../core/money.js";
import { signedMoney, signedPercent } from "./format.js";

// The report as a document: sections of paragraphs and tables, in words a finance lead reads. The
// Markdown and HTML renderers lay out this one document, so both say the same thing.

/** A cost going up is drawn in a warm tone, going down in a cool one; muted for secondary figures. */
export type Tone = "up" | "down" | "muted" | "strong";

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface Table {
  /** numeric: right-aligned figures; code: identifiers (resource ids, ARNs) that may break anywhere. */
  columns: { title: string; numeric?: boolean; code?: boolean }[];
  rows: Cell[][];
  /** A last, bold row (the total). */
  total?: Cell[];
}

export type Chart = "daily-by-service" | "spend-by-team";

export interface Section {
  id: string;
  title: string;
  /** Text with **bold** spans. */
  paragraphs: string[];
  tables: { caption?: string; table: Table }[];
  chart?: Chart;
  /** Small print under the section (methods, caveats). */
  notes: string[];
}

export const cell = (text: string, tone?: Tone): Cell => (tone ? { text, tone } : { text });
export const toneOf = (change: Decimal): Tone | undefined => {
  const sign = compare(change, ZERO);
  return sign > 0 ? "up" : sign < 0 ? "down" : undefined;
};
export const changeCells = (change: Decimal, pct: number | null, current: Decimal): Cell[] => [
  cell(signedMoney(change), toneOf(change)),
  cell(signedPercent(pct, current), toneOf(change)),
];
