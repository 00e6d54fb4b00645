import { Command, Option } from "commander";
import { ingestFiles } from "../../collectors/billing/ingest.js";
import { underExports } from "../../collectors/billing/s3-objects.js";
import { UsageError } from "../../core/errors.js";
import { plural } from "../../core/plural.js";
import { BULK_LOAD } from "../../store/database.js";
import { refreshCostAggregates } from "../aggregates.js";
import { awsOptions, commandConfig, globalOptions, refusePreview, withStore } from "../context.js";
import { note, printJson, printLine } from "../output.js";

interface IngestFlags {
  format: "auto" | "focus" | "cur2";
  allowShrink?: boolean;
}

export function ingestCommand(): Command {
  return new Command("ingest")
    .description(
      "load FOCUS (1.0-1.2) or AWS CUR 2.0 billing exports: CSV, CSV.gz or Parquet, local or s3://",
    )
    .argument(
      "[files...]",
      "files, folders or s3://bucket/prefix (every object under it); default: the config's billing.exports",
    )
    .addOption(
      new Option("--format <format>", "the export's format")
        .choices(["auto", "focus", "cur2"])
        .default("auto"),
    )
    .option(
      "--allow-shrink",
      "let the load replace a billing period with less than half of its stored rows or cost (refused otherwise: a file cut short looks like that)",
    )
    .action(async (named: string[], options: IngestFlags, command: Command) => {
      const global = globalOptions(command);
      refusePreview(global, "ingest", "a load stores the files as they are today: run it without --now");
      const config = commandConfig(global);
      const exports = config.billing.exports;
      if (named.length === 0 && exports.length === 0)
        throw new UsageError(
          "ingest: name the billing files (or s3://bucket/prefix), or list the exports under billing.exports in the config",
        );
      const inputs = named.length ? named : [...exports];
      // The collector role reads the configured exports alone: another prefix would be refused in AWS.
      for (const input of inputs) {
        if (input.startsWith("s3://") && !underExports(input, exports))
          note(
            `warning: ${input} is not under the config's billing.exports: the collector role that finops iam-policy --role collector prints may not read it`,
          );
      }
      const aws = awsOptions(global, config);
      const result = await withStore(
        global,
        async (store) => {
          const loaded = await ingestFiles(store, inputs, {
            format: options.format,
            aws,
            allowShrink: options.allowShrink === true,
          });
          await refreshCostAggregates(store.connection, config, `load ${loaded.loadId}`);
          return loaded;
        },
        // DuckDB reads no file but those the store allows: the local inputs named here.
        { ...BULK_LOAD, readable: inputs.filter((input) => !input.startsWith("s3://")), create: true },
      );
      for (const warning of result.warnings) note(`warning: ${warning}`);
      if (global.json) {
        printJson({
          rowsLoaded: result.rowsLoaded,
          files: result.files,
          providers: result.providers,
          billingPeriods: result.billingPeriods,
          rowsReplaced: result.rowsReplaced,
          loadId: result.loadId,
          warnings: result.warnings,
        });
        return;
      }
      printLine(
        `Loaded ${plural(result.rowsLoaded, "billing row")} from ${plural(result.files.length, "file")}` +
          ` (${result.providers.join(", ") || "no provider"}; billing periods ${result.billingPeriods.join(", ") || "none"})` +
          (result.rowsReplaced ? `, replacing ${plural(result.rowsReplaced, "row")} of earlier loads` : "") +
          ".",
      );
    });
}
