/**
 * What the rules benchmark's generated store shares between its files (rules-store.ts for EC2 and S3,
 * rules-store-services.ts for the other services): the clock, the accounts and regions, and SQL helpers
 * that derive every value from a hash of the row's index, so the same size always gives the same store.
 */
import { sqlLiteral } from "../core/sql.js";

/** The instant analyze evaluates at; the inventory was collected two hours before. */
export const NOW = "2025-06-15T06:00:00Z";
export const TODAY = "2025-06-15";
export const COLLECTED = "TIMESTAMP '2025-06-15 04:00:00'";
export const RUN_ID = "run-20250615T040000-bench000";
export const METRIC_DAYS = 30;
export const BILLING_DAYS = 3;
export const ACCOUNTS = ["111111111111", "222222222222", "333333333333"];
export const REGIONS = ["us-east-1", "eu-west-1"];

export const sqlList = (values: readonly string[]) => `[${values.map(sqlLiteral).join(", ")}]`;
/** A uniform integer in [0, mod) from a hash of the row's index (or id) and a salt. */
export const u = (of: string, salt: string, mod: number) =>
  `CAST(hash(${of}, ${sqlLiteral(salt)}) % ${mod} AS INTEGER)`;
/** One of `values`, chosen by a hash. */
export const pick = (of: string, salt: string, values: readonly string[]) =>
  `${sqlList(values)}[1 + ${u(of, salt, values.length)}]`;
/** Resource index i lives in account i % 3 and region (i / 3) % 2: related resources share both. */
export const accountOf = (i: string) => `${sqlList(ACCOUNTS)}[1 + CAST((${i}) % 3 AS INTEGER)]`;
export const regionOf = (i: string) => `${sqlList(REGIONS)}[1 + CAST((${i}) // 3 % 2 AS INTEGER)]`;
export const awsId = (prefix: string, i: string) =>
  `'${prefix}-' || substr(md5('${prefix}-' || (${i})), 1, 17)`;
export const volumeId = (i: string) => awsId("vol", i);
export const instanceId = (i: string) => awsId("i", i);
/** A time `days` (plus some seconds) before the collection. */
export const daysAgo = (days: string, of: string) =>
  `${COLLECTED} - to_days(CAST(${days} AS INTEGER)) - to_seconds(${u(of, "seconds", 86_400)})`;

export const INVENTORY_COLUMNS =
  "run_id, collector, collected_at, scope, account, region, resource_id, resource_type, state, state_since, created_at, tags, attributes";

/** The metric days: the METRIC_DAYS whole UTC days before --now. */
export const DAYS = `(SELECT DATE '${TODAY}' - CAST(1 + n AS INTEGER) AS day FROM range(${METRIC_DAYS}) t(n))`;
export const METRIC_COLUMNS =
  "account, region, resource_id, namespace, metric, day, average, maximum, sum, run_id";
/** A day's jitter in [0, 1) for a resource. */
export const JITTER = "(hash(r.resource_id, d.day) % 1000) / 1000.0";
