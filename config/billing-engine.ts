import { z } from "zod";

/**
 * Where billing is aggregated. `duckdb` (the default): billing files are loaded whole into the local
 * store (`finops ingest`) and every figure is summed there. `trino`: the FOCUS rows stay where they
 * live (Parquet in object storage, read by Trino or Athena); `finops collect --only billing` has
 * Trino sum them to one row per day (or hour) and describing columns, and loads only that roll-up.
 */
export const billingEngineSchema = z.enum(["duckdb", "trino"]);

export const trinoSchema = z.strictObject({
  /** The coordinator's URL, e.g. http://trino.internal:8080. */
  server: z.url({ protocol: /^https?$/ }),
  catalog: z.string().min(1),
  schema: z.string().min(1),
  /** A table of FOCUS 1.0-1.3 rows (column names as FOCUS spells them, in any case). */
  table: z.string().min(1),
  user: z.string().min(1).default("finops"),
  /** The variable holding the user's password, for a coordinator with password authentication (https). */
  passwordEnv: z.string().min(1).optional(),
  /** What Trino's query list shows as the queries' source. */
  source: z.string().min(1).default("finops"),
  /** The roll-up's time grain: `hour` keeps hourly rows (Savings Plan sizing reads hours), `day` is smaller. */
  grain: z.enum(["day", "hour"]).default("day"),
  /**
   * Only these sub-accounts' rows (12-digit AWS ids): a shard's share of the bill, when collection is
   * split by account across jobs, each with its own database. All when absent.
   */
  accounts: z
    .array(z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"))
    .min(1)
    .optional(),
  /** How many billing periods back, counting the current one, each collection pulls again. */
  lookbackMonths: z.number().int().min(1).max(120).default(3),
});

export type TrinoSettings = z.infer<typeof trinoSchema>;
