import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import { weeklyReport } from "./data.js";
import type { WeeklyReport } from "./model.js";
import { type IsoWeek, lastFullWeek } from "./week.js";
import { type Format, writeReport } from "./write.js";

export interface WeeklyRun {
  /** The instant the default week is the last full week before. */
  now: Date;
  week?: IsoWeek;
  /** Default: rules.yaml report.formats. */
  formats?: readonly Format[];
  /** Default: rules.yaml report.out. */
  out?: string;
}

/**
 * The weekly report stage: builds the report of a week and writes its files. `finops report weekly`
 * and a scheduled job both call this, so they write the same files.
 */
export async function runWeeklyReport(
  connection: DuckDBConnection,
  config: Config,
  run: WeeklyRun,
): Promise<{ report: WeeklyReport; files: string[] }> {
  const report = await weeklyReport(connection, {
    week: run.week ?? lastFullWeek(run.now),
    teamKeys: config.tags.teamKeys,
    caseInsensitiveTags: config.tags.caseInsensitive,
    noTeamLabel: config.tags.noTeamLabel,
    generatedAt: new Date(),
    commitments: config.commitments,
    now: run.now,
  });
  const files = writeReport(report, run.formats ?? config.report.formats, run.out ?? config.report.out);
  return { report, files };
}
