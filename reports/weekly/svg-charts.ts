import type { Breakdown, DailySpend } from "./model.js";

// Charts as inline SVG written here: no script, no library, no font or image to fetch, so the report
// is one file that renders the same offline, in a browser, printed, or in a mail client that keeps SVG.
// Every chart's figures are also in the tables beside it.

/** Muted colours, distinguishable in print and for the common colour-vision deficiencies. */
export const PALETTE = ["#3d6a98", "#7fa7c9", "#5f8f7b", "#c2a15f", "#a86f6a", "#8a7fa8"];
export const OTHER_COLOUR = "#c9ced6";
const INK = "#1f2933";
const MUTED = "#6b7785";
const GRID = "#e4e7eb";
const FONT = `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** A round axis step giving about `ticks` intervals up to max: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(max: number, ticks: number): number {
  if (max <= 0) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

/** 1,250 → "1.3k"; axis labels only, the tables carry the cents. */
export function compactAmount(value: number): string {
  const abs = Math.abs(value);
  const [divisor, suffix] =
    abs >= 1e9 ? [1e9, "B"] : abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "k"] : [1, ""];
  const scaled = value / divisor;
  const text = Number.isInteger(scaled) ? String(scaled) : scaled.toFixed(abs >= 1e3 || abs < 10 ? 1 : 0);
  return `${text.replace(/\.0$/, "")}${suffix}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const dayLabel = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1] ?? ""}`;

/**
 * Daily effective cost, stacked by service (the week's largest, then "Other"), over the report week and
 * the three before it; the report week is shaded so the eye lands on it.
 */
export function dailyServiceChart(days: DailySpend[]): string {
  const width = 780;
  const height = 300;
  const left = 44;
  const right = 4;
  const top = 22;
  const plotHeight = 200;
  const plotWidth = width - left - right;
  const series = Object.keys(days[0]?.byService ?? {});
  const totals = days.map((d) =>
    Object.values(d.byService).reduce((sum, v) => sum + Math.max(0, v.toNumber()), 0),
  );
  const step = niceStep(Math.max(...totals, 0), 4);
  const axisMax = Math.max(step, Math.ceil(Math.max(...totals, 0) / step) * step);
  const y = (value: number) => top + plotHeight - (value / axisMax) * plotHeight;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.72);
  const parts: string[] = [];

  const weekStart = days.findIndex((d) => d.inWeek);
  if (weekStart >= 0) {
    parts.push(
      `<rect x="${r1(left + weekStart * slot)}" y="${top - 18}" width="${r1((days.length - weekStart) * slot)}" height="${plotHeight + 18}" fill="#eef2f7"/>`,
      `<text x="${r1(left + (weekStart + (days.length - weekStart) / 2) * slot)}" y="${top - 6}" font-size="10" fill="${MUTED}" text-anchor="middle">report week</text>`,
    );
  }
  for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${r1(y(tick))}" y2="${r1(y(tick))}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${r1(y(tick) + 3.5)}" font-size="10" fill="${MUTED}" text-anchor="end">${compactAmount(tick)}</text>`,
    );
  }
  days.forEach((day, i) => {
    const x = r1(left + i * slot + (slot - barWidth) / 2);
    let base = 0;
    const opacity = day.inWeek ? "" : ` fill-opacity="0.55"`;
    series.forEach((name, s) => {
      const value = Math.max(0, day.byService[name]?.toNumber() ?? 0);
      if (value <= 0) return;
      const colour = name === "Other" && s === series.length - 1 ? OTHER_COLOUR : PALETTE[s % PALETTE.length];
      const y0 = y(base);
      const y1 = y(base + value);
      parts.push(
        `<rect class="bar" x="${x}" y="${r1(y1)}" width="${r1(barWidth)}" height="${r1(Math.max(0.5, y0 - y1))}" fill="${colour}"${opacity}><title>${escapeXml(`${day.day} ${name}: ${value.toFixed(2)}`)}</title></rect>`,
      );
      base += value;
    });
    // A label under each Monday keeps 28 days readable.
    if (new Date(`${day.day}T00:00:00Z`).getUTCDay() === 1) {
      parts.push(
        `<text x="${r1(left + i * slot + slot / 2)}" y="${top + plotHeight + 14}" font-size="10" fill="${MUTED}" text-anchor="middle">${dayLabel(day.day)}</text>`,
      );
    }
  });
  parts.push(
    `<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="${MUTED}" stroke-width="1"/>`,
  );

  // The legend: two columns of swatches under the plot, in stacking order.
  const legendTop = top + plotHeight + 30;
  const columnWidth = plotWidth / 2;
  series.forEach((name, s) => {
    const colour = name === "Other" && s === series.length - 1 ? OTHER_COLOUR : PALETTE[s % PALETTE.length];
    const lx = left + (s % 2) * columnWidth;
    const ly = legendTop + Math.floor(s / 2) * 16;
    const label = name.length > 46 ? `${name.slice(0, 45)}\u2026` : name;
    parts.push(
      `<rect x="${r1(lx)}" y="${ly}" width="10" height="10" rx="2" fill="${colour}"/>`,
      `<text x="${r1(lx + 15)}" y="${ly + 9}" font-size="11" fill="${INK}">${escapeXml(label)}</text>`,
    );
  });
  const fullHeight = Math.max(height, legendTop + Math.ceil(series.length / 2) * 16 + 4);
  return svg(width, fullHeight, "Daily effective cost by service over four weeks", parts);
}

/** This week's effective cost per team as bars, with last week as a thin grey bar under each. */
export function teamChart(b: Breakdown): string {
  const width = 780;
  const labelWidth = 180;
  const valueWidth = 90;
  const rowHeight = 26;
  const top = 8;
  const plotWidth = width - labelWidth - valueWidth - 12;
  const rows = b.rows;
  const max = Math.max(
    0,
    ...rows.map((r) => Math.max(r.current.effectiveCost.toNumber(), r.previous.effectiveCost.toNumber())),
  );
  const scale = (value: number) => (max > 0 ? (Math.max(0, value) / max) * plotWidth : 0);
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const current = row.current.effectiveCost.toNumber();
    const previous = row.previous.effectiveCost.toNumber();
    const colour = row.other || row.key === null ? OTHER_COLOUR : PALETTE[0];
    const label = row.label.length > 26 ? `${row.label.slice(0, 25)}\u2026` : row.label;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 12}" font-size="11" fill="${INK}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect class="bar" x="${labelWidth}" y="${y + 2}" width="${r1(Math.max(current > 0 ? 1 : 0, scale(current)))}" height="12" rx="1.5" fill="${colour}"><title>${escapeXml(`${row.label}: ${current.toFixed(2)} this week`)}</title></rect>`,
      `<rect class="bar" x="${labelWidth}" y="${y + 16}" width="${r1(scale(previous))}" height="4" rx="1" fill="#9aa5b1"><title>${escapeXml(`${row.label}: ${previous.toFixed(2)} the week before`)}</title></rect>`,
      `<text x="${r1(labelWidth + scale(current) + 6)}" y="${y + 12}" font-size="10.5" fill="${MUTED}">${compactAmount(current)}</text>`,
    );
  });
  const legendY = top + rows.length * rowHeight + 8;
  parts.push(
    `<rect x="${labelWidth}" y="${legendY}" width="10" height="10" rx="2" fill="${PALETTE[0]}"/>`,
    `<text x="${labelWidth + 15}" y="${legendY + 9}" font-size="11" fill="${INK}">this week</text>`,
    `<rect x="${labelWidth + 90}" y="${legendY + 3}" width="14" height="4" rx="1" fill="#9aa5b1"/>`,
    `<text x="${labelWidth + 109}" y="${legendY + 9}" font-size="11" fill="${INK}">week before</text>`,
  );
  return svg(width, legendY + 18, "Effective cost by team, this week and the week before", parts);
}

function svg(width: number, height: number, label: string, parts: string[]): string {
  return [
    // No xmlns: inline in HTML the parser gives <svg> its namespace, and the file then holds no URL at all.
    `<svg viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px;height:auto" role="img" aria-label="${escapeXml(label)}" ${FONT}>`,
    `<title>${escapeXml(label)}</title>`,
    ...parts,
    "</svg>",
  ].join("\n");
}
