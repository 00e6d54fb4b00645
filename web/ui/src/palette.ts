/** Series colours of the charts (kept out of the lazily loaded chart chunk: legends use them too). */
export const SERIES_COLORS = [
  "#4f46e5",
  "#0891b2",
  "#059669",
  "#d97706",
  "#db2777",
  "#7c3aed",
  "#65a30d",
  "#ea580c",
  "#0284c7",
  "#be123c",
];
export const OTHER_COLOR = "#a3aab8";
export const ACCENT = "#4f46e5";
export const GRID = "#e5e7eb";
export const AXIS = "#6b7280";

export function seriesColor(key: string, index: number): string {
  return key === "Other" ? OTHER_COLOR : (SERIES_COLORS[index % SERIES_COLORS.length] ?? OTHER_COLOR);
}
