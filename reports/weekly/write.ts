import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toJson } from "../../core/json.js";
import type { WeeklyReport } from "./model.js";
import { renderCsv } from "./render-csv.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-md.js";

export const FORMATS = ["html", "md", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

const RENDERERS: Record<Format, (report: WeeklyReport) => string> = {
  html: renderHtml,
  md: renderMarkdown,
  csv: renderCsv,
  json: (report) => `${toJson(report)}\n`,
};

/** One format of the report, exactly as its file holds it. */
export function renderReport(report: WeeklyReport, format: Format): string {
  return RENDERERS[format](report);
}

export function fileName(report: WeeklyReport, format: Format): string {
  return `finops-weekly-${report.week}.${format}`;
}

/** One file of the report: its name and its exact content. */
export interface ReportFile {
  name: string;
  content: string;
}

/** The report's files, one per format, rendered: what writeReport writes. */
export function renderFiles(report: WeeklyReport, formats: readonly Format[]): ReportFile[] {
  return formats.map((format) => ({ name: fileName(report, format), content: renderReport(report, format) }));
}

/**
 * Writes one file per format into the folder and returns their paths. Each file is written beside its
 * name and renamed into place, so a mailer or web server picking the folder up never reads half a report.
 */
export function writeReport(report: WeeklyReport, formats: readonly Format[], dir: string): string[] {
  return writeFiles(renderFiles(report, formats), dir);
}

/** Writes rendered files into the folder (made if missing) as writeReport does, and returns their paths. */
export function writeFiles(files: readonly ReportFile[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((file) => {
    const path = join(dir, file.name);
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, file.content);
    renameSync(partial, path);
    return path;
  });
}
