import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config/schema.js";
import { runNotify } from "../reports/notify/notify.js";
import { runWeeklyReport } from "../reports/weekly/run.js";
import { ruleFixes } from "../rules/fixes.js";
import { demoFolder } from "./build.js";

export interface DemoDeliverables {
  week: string;
  reportFiles: string[];
  outbox: string;
  /** Digests written to the outbox, one per team (and one for unowned resources). */
  messages: { team: string; findings: number; subject: string }[];
}

/**
 * What the demo hands its readers besides the database: last week's report in every format and each
 * team's waste notification, written to an outbox folder instead of Slack or email (no secrets needed).
 * Both folders sit in the demo's folder and are replaced on every run.
 */
export async function writeDemoDeliverables(
  connection: DuckDBConnection,
  config: Config,
  dbPath: string,
  now: Date,
): Promise<DemoDeliverables> {
  const folder = demoFolder(dbPath);
  const reports = resolve(join(folder, "reports"));
  const outbox = resolve(join(folder, "outbox"));
  await rm(reports, { recursive: true, force: true });
  await rm(outbox, { recursive: true, force: true });
  const { report, files } = await runWeeklyReport(connection, config, {
    now,
    out: reports,
    formats: ["html", "md", "csv", "json"],
  });
  const notifyConfig: Config = {
    ...config,
    notify: { ...config.notify, teams: {}, default: [{ outbox: { dir: outbox } }], approvers: [] },
  };
  const run = await runNotify(connection, notifyConfig, { now, dryRun: false, fixes: ruleFixes(config) });
  const failed = run.results.filter((r) => r.status === "failed");
  if (failed.length) throw new Error(`demo notifications failed: ${failed.map((r) => r.error).join("; ")}`);
  return {
    week: report.week,
    reportFiles: files,
    outbox,
    messages: run.results.map((r) => ({ team: r.team, findings: r.findings, subject: r.message.subject })),
  };
}
