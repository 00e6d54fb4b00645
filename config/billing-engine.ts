import { z } from "zod";

/**
 * Where billing is aggregated. `duckdb` (the default): billing files are loaded whole into the local
 * store (`finops ingest`) and every figure is summed there. `trino`: the FOCUS rows stay where they
 * live (Parquet in object storage, read by Trino or Athena); `finops collect --only billing` has
 * Trino sum them to one row per day (or hour) and describing columns, and loads only that roll-up.
 * `athena`: the same roll-up, run by Amazon Athena through its API.
 */
export const billingEngineSchema = z.enum(["duckdb", "trino", "athena"]);

/** What every roll-up engine (Trino, Athena) takes alike: the grain, a shard's accounts, the look-back. */
const rollupFields = {
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
};

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
  ...rollupFields,
});

export type TrinoSettings = z.infer<typeof trinoSchema>;

/**
 * Amazon Athena (engine 3 is Trino): the same roll-up SQL, run through Athena's API on a table of the
 * Glue Data Catalog (or another catalog Athena knows).
 */
export const athenaSchema = z.strictObject({
  /** The Glue database (Athena's schema) holding the table. */
  database: z.string().min(1),
  /** A table of FOCUS 1.0-1.3 rows (column names as FOCUS spells them, in any case). */
  table: z.string().min(1),
  catalog: z.string().min(1).default("AwsDataCatalog"),
  workGroup: z.string().min(1).default("primary"),
  /** Where Athena writes the queries' results, when the workgroup does not set it. */
  outputLocation: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "an s3://bucket/prefix/ URI")
    .optional(),
  /** Athena's region: the first of aws.regions when absent (else AWS_REGION, the SDK's default). */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region like us-east-1")
    .optional(),
  ...rollupFields,
});

export type AthenaSettings = z.infer<typeof athenaSchema>;

/** What the roll-up's SQL needs of either engine's settings: the table's three-part name and the roll-up's own. */
export interface RollupSettings {
  catalog: string;
  schema: string;
  table: string;
  grain: "day" | "hour";
  accounts?: string[] | undefined;
}
