import type { WeeklyReport } from "./model.js";
import { type Cell, kpis, preamble, sections, subtitle, type Table, title } from "./sections.js";

// Markdown for a chat message or a plain email: headings, one bullet line per headline figure, pipe
// tables (GitHub, Slack canvases, most mail clients' Markdown views render them).

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function tableLines(table: Table): string[] {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const cellText = (c: Cell) => escapeCell(c.text);
  return [
    line(table.columns.map((c) => escapeCell(c.title) || " ")),
    line(table.columns.map((c) => (c.numeric ? "---:" : "---"))),
    ...table.rows.map((row) => line(row.map(cellText))),
    ...(table.total ? [line(table.total.map((c) => (c.text ? `**${escapeCell(c.text)}**` : "")))] : []),
  ];
}

export function renderMarkdown(report: WeeklyReport): string {
  const lines = [`# ${title(report)}`, "", `**${subtitle(report)}**`, "", `_${preamble(report)}_`, ""];
  for (const kpi of kpis(report)) lines.push(`- **${kpi.label}: ${kpi.value}** \u2013 ${kpi.detail}`);
  for (const [index, section] of sections(report).entries()) {
    lines.push("", `## ${index + 1}. ${section.title}`, "");
    for (const paragraph of section.paragraphs) lines.push(paragraph, "");
    for (const { caption, table } of section.tables) {
      if (caption) lines.push(`**${caption}**`, "");
      lines.push(...tableLines(table), "");
    }
    for (const note of section.notes) lines.push(`_${note}_`, "");
  }
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
