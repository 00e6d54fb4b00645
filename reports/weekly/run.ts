import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import { weeklyReport } from "./data.js";
import type { WeeklyReport } from "./model.js";
import { type IsoWeek, lastFullWeek } from "./week.js";
import { type Format, type ReportFile, renderFiles, writeFiles } from "./write.js";

export interface WeeklyRun {
  /** The instant the default week is the last full week before. */
  now: Date;
  week?: IsoWeek;
  /** Default: rules.yaml report.formats. */
  formats?: readonly Format[];
  /** Default: rules.yaml report.out. */
  out?: string;
  /**
   * False: render the files and write none (a read for a CLI elsewhere: the CLI writes them on its own
   * machine, and a read writes nothing on the server's). Default true.
   */
  write?: boolean;
}

export interface WeeklyOutput {
  report: WeeklyReport;
  /** Each file of the report, its name and content, in the order of the formats. */
  rendered: ReportFile[];
  /** The paths written, one per rendered file; none when `write` is false. */
  files: string[];
}

/**
 * The weekly report stage: builds the report of a week, renders its files and writes them.
 * `finops report weekly` and a scheduled job both call this, so they write the same files.
 */
export async function runWeeklyReport(
  connection: DuckDBConnection,
  config: Config,
  run: WeeklyRun,
): Promise<WeeklyOutput> {
  const report = await weeklyReport(connection, {
    week: run.week ?? lastFullWeek(run.now),
    teamKeys: config.tags.teamKeys,
    caseInsensitiveTags: config.tags.caseInsensitive,
    noTeamLabel: config.tags.noTeamLabel,
    generatedAt: new Date(),
    commitments: config.commitments,
    now: run.now,
  });
  const rendered = renderFiles(report, run.formats ?? config.report.formats);
  const files = run.write === false ? [] : writeFiles(rendered, run.out ?? config.report.out);
  return { report, rendered, files };
}
