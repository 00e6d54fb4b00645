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

/** A cluster's idle (unused) capacity: muted sand tones, never one of the keys' colours. */
export const IDLE_COLORS = ["#cdb98c", "#b9a274", "#ddd0ae", "#a8946a"];
/** The bill outside Kubernetes, on the cluster and namespace charts. */
export const NOT_KUBERNETES_COLOR = "#d5d9e0";

/** What colours a series: its key, and the Kubernetes dimensions' flags (web/contract.ts DailySeries). */
export interface ColoredSeries {
  key: string;
  idle?: boolean;
  kubernetes?: boolean;
}

export function seriesColor(series: ColoredSeries, index: number): string {
  if (series.kubernetes === false) return NOT_KUBERNETES_COLOR;
  if (series.idle) return IDLE_COLORS[index % IDLE_COLORS.length] ?? OTHER_COLOR;
  return series.key === "Other" ? OTHER_COLOR : (SERIES_COLORS[index % SERIES_COLORS.length] ?? OTHER_COLOR);
}
