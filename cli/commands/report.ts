import { Command } from "commander";
import { RuntimeError, UsageError } from "../../core/errors.js";
import { formatMoney } from "../../core/money.js";
import { signedPercent } from "../../reports/weekly/format.js";
import { runWeeklyReport } from "../../reports/weekly/run.js";
import { type ReportSend, sendFailures, sendWeeklyReport } from "../../reports/weekly/send.js";
import { parseWeek } from "../../reports/weekly/week.js";
import { FORMATS, type Format } from "../../reports/weekly/write.js";
import { commandConfig, globalOptions, now, refusePreview, withStore } from "../context.js";
import { note, outputFilesGoToCaller, printJson, printOutputFile, sendOutputFile } from "../output.js";
import { OutputFile } from "../remote/output-files.js";

/** --format: one format, or several separated by commas (the contract names one; a list costs nothing). */
function parseFormats(text: string): Format[] {
  const formats = text
    .split(",")
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const unknown = formats.find((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown !== undefined || !formats.length) {
    throw new UsageError(
      `--format: "${unknown ?? text}" is not a report format; use one of ${FORMATS.join(", ")}`,
    );
  }
  return [...new Set(formats as Format[])];
}

function weeklyCommand(): Command {
  return new Command("weekly")
    .description(
      "the weekly cost report (spend and its changes, by service, account and team, month-end forecast, anomalies, tag coverage, waste, savings) written as files",
    )
    .option(
      "--week <YYYY-Www>",
      "the ISO week, Monday to Sunday UTC (default: the last full week before --now)",
    )
    .option(
      "--format <format>",
      "md | html | csv | json; several separated by commas (default: rules.yaml report.formats, all four)",
    )
    .option(
      "--out <dir>",
      "the folder the files are written into (default: rules.yaml report.out, ./finops-reports)",
    )
    .option(
      "--send",
      "then send it to every channel of rules.yaml report.recipients (email: the HTML report as the body, .html and .csv attached)",
    )
    .addHelpText(
      "after",
      "\nFiles are named finops-weekly-YYYY-Www.FORMAT; their paths are printed, one a line.\n--json prints { week, files, report } with the report model (money as exact decimals), and with --send\ndeliveries: [{ channel, status, attempts, error }]. A recipient that still fails after notify.retry's\nattempts is reported once every other one was tried (exit 1).",
    )
    .action(
      async (raw: { week?: string; format?: string; out?: string; send?: boolean }, command: Command) => {
        const global = globalOptions(command);
        // Flags first: a bad week or format is a usage error before anything is opened.
        const week = raw.week !== undefined ? parseWeek(raw.week) : undefined;
        const at = now(global);
        if (raw.send) {
          refusePreview(
            global,
            "report weekly --send",
            "a report sent today cannot be dated later: write it without --send to preview it",
          );
        }
        const config = commandConfig(global);
        const formats = raw.format !== undefined ? parseFormats(raw.format) : undefined;
        if (raw.out !== undefined && !raw.out.trim()) throw new UsageError("--out: give a folder");
        const recipients = config.report.recipients;
        // Run for a CLI elsewhere (finops --server), the files go to that CLI, which writes them on its
        // machine; the server writes them only when it sends them (--send attaches them).
        const toCaller = outputFilesGoToCaller();
        const { report, files, sent } = await withStore(global, async (store) => {
          const written = await runWeeklyReport(store.connection, config, {
            now: at,
            ...(week ? { week } : {}),
            ...(formats ? { formats } : {}),
            ...(raw.out !== undefined ? { out: raw.out } : {}),
            write: !toCaller || raw.send === true,
          });
          if (toCaller) for (const file of written.rendered) sendOutputFile(file.name, file.content);
          const files = written.rendered.map((f, i) => new OutputFile(f.name, written.files[i] ?? f.name));
          const sent: ReportSend | null =
            raw.send && recipients.length
              ? await sendWeeklyReport(store.connection, config, written.report, written.files, { now: at })
              : null;
          return { report: written.report, files, sent };
        });
        if (global.json) {
          printJson({ week: report.week, files, report, ...(sent ? { deliveries: sent.deliveries } : {}) });
        } else {
          note(
            report.hasBilling
              ? `${report.week}: ${formatMoney(report.totals.current.effectiveCost)} effective cost, ${signedPercent(report.totals.previousWeek.effectiveChangePercent, report.totals.current.effectiveCost)} on the week before` +
                  (report.complete
                    ? ""
                    : ` over the same ${report.compared.days} days (partial week: ${report.billedDays} of 7 days billed)`)
              : `${report.week}: no billing for this week`,
          );
          for (const file of files) printOutputFile(file);
          for (const d of sent?.deliveries ?? []) {
            if (d.status === "sent") note(`sent to ${d.channel}`);
          }
        }
        if (raw.send && !recipients.length) {
          note(
            "--send: report.recipients in rules.yaml names no channel, so the report was written but sent to no one.",
          );
        } else if (!raw.send && recipients.length && !global.json) {
          note(
            `Not sent: --send delivers it to report.recipients (${recipients.length} channel${recipients.length === 1 ? "" : "s"}).`,
          );
        }
        const failures = sent ? sendFailures(sent) : null;
        if (failures) throw new RuntimeError(failures);
      },
    );
}

export function reportCommand(): Command {
  return new Command("report")
    .description("reports built from the store: `report weekly`")
    .addCommand(weeklyCommand().exitOverride());
}
