import { STYLE } from "./html-style.js";
import type { WeeklyReport } from "./model.js";
import {
  type Cell,
  type Chart,
  type Kpi,
  kpis,
  preamble,
  type Section,
  sections,
  subtitle,
  type Table,
  title,
} from "./sections.js";
import { dailyServiceChart, escapeXml, teamChart } from "./svg-charts.js";

// One self-contained HTML file: inline CSS, inline SVG charts, no script, no URL of any kind, tables
// for layout (mail clients honour them). It reads the same forwarded by mail, opened offline or printed.

/** The documents' inline markup: **bold** and `code`, after escaping. */
function inline(text: string): string {
  return escapeXml(text)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/`(.+?)`/g, "<code>$1</code>");
}

function cellHtml(c: Cell, column: { numeric?: boolean; code?: boolean } | undefined, tag = "td"): string {
  const classes = [column?.numeric ? "num" : "", column?.code ? "code" : "", c.tone ?? ""].filter(Boolean);
  return `<${tag}${classes.length ? ` class="${classes.join(" ")}"` : ""}>${escapeXml(c.text)}</${tag}>`;
}

/**
 * Column widths for the usual shape, a label then figures: every such table then lines its figures up
 * with the others on the page. Other shapes keep the browser's widths.
 */
function colgroup(table: Table): string {
  const [first, ...rest] = table.columns;
  if (!first || first.numeric || !rest.length || rest.some((c) => !c.numeric)) return "";
  const share = (64 / rest.length).toFixed(2);
  return `<colgroup><col style="width:36%">${rest.map(() => `<col style="width:${share}%">`).join("")}</colgroup>`;
}

function tableHtml(table: Table): string {
  const head = table.columns
    .map((c) => `<th${c.numeric ? ' class="num"' : ""}>${escapeXml(c.title)}</th>`)
    .join("");
  const rows = table.rows.map(
    (row) => `<tr>${row.map((c, i) => cellHtml(c, table.columns[i])).join("")}</tr>`,
  );
  const total = table.total
    ? [`<tr class="total">${table.total.map((c, i) => cellHtml(c, table.columns[i])).join("")}</tr>`]
    : [];
  return [
    '<table class="data" role="table">',
    colgroup(table),
    `<thead><tr>${head}</tr></thead>`,
    "<tbody>",
    ...rows,
    ...total,
    "</tbody></table>",
  ].join("\n");
}

function chartHtml(chart: Chart, report: WeeklyReport): string {
  const [caption, svg] =
    chart === "daily-by-service"
      ? ["Daily spend by service, report week and the three before", dailyServiceChart(report.daily)]
      : ["Spend by team, this week and the week before", teamChart(report.byTeam)];
  return `<figure class="chart" data-chart="${chart}"><h3>${escapeXml(caption)}</h3>\n${svg}\n</figure>`;
}

/** Sections that can run longer than a page may break across pages; waste and what follows start a page. */
const LONG = new Set(["by-service", "by-team", "commitments", "waste", "top-findings", "anomalies"]);
const NEW_PAGE = new Set(["waste"]);

function sectionHtml(section: Section, index: number, report: WeeklyReport): string {
  const classes = [LONG.has(section.id) ? "long" : "", NEW_PAGE.has(section.id) ? "new-page" : ""].filter(
    Boolean,
  );
  const parts = [
    `<section id="${section.id}"${classes.length ? ` class="${classes.join(" ")}"` : ""}>`,
    `<h2><span class="n">${index + 1}</span>${escapeXml(section.title)}</h2>`,
    ...section.paragraphs.map((p) => `<p>${inline(p)}</p>`),
    ...(section.chart ? [chartHtml(section.chart, report)] : []),
    ...section.tables.flatMap(({ caption, table }) => [
      ...(caption ? [`<h3>${escapeXml(caption)}</h3>`] : []),
      tableHtml(table),
    ]),
    ...section.notes.map((n) => `<p class="note">${inline(n)}</p>`),
    "</section>",
  ];
  return parts.join("\n");
}

function kpiHtml(kpi: Kpi): string {
  return [
    '<td class="kpi">',
    `<div class="kpi-label">${escapeXml(kpi.label)}</div>`,
    `<div class="kpi-value">${escapeXml(kpi.value)}</div>`,
    `<div class="kpi-detail${kpi.tone ? ` ${kpi.tone}` : ""}">${escapeXml(kpi.detail)}</div>`,
    "</td>",
  ].join("");
}

export function renderHtml(report: WeeklyReport): string {
  const heading = title(report);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeXml(`${heading} (${subtitle(report)})`)}</title>
<style>${STYLE}</style>
</head>
<body>
<table class="frame" role="presentation"><tr><td>
<div class="sheet">
<header>
<p class="eyebrow">FinOps \u00b7 weekly cost report</p>
<h1>${escapeXml(heading)}</h1>
<p class="subtitle">${escapeXml(subtitle(report))}</p>
<p class="preamble">${escapeXml(preamble(report))}</p>
</header>
<table class="kpis" role="presentation"><tr>${kpis(report).map(kpiHtml).join("")}</tr></table>
${sections(report)
  .map((s, i) => sectionHtml(s, i, report))
  .join("\n")}
<footer>Produced by <code>finops report weekly --week ${escapeXml(report.week)}</code>. Every cost figure reconciles to the
cent with <code>finops costs --by service|account|team --from ${escapeXml(report.from)} --to ${escapeXml(report.to)}</code>.</footer>
</div>
</td></tr></table>
</body>
</html>
`;
}
