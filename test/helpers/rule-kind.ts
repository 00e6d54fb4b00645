import { join } from "node:path";
import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { configSchema } from "../../rules/config.js";
import { analyze } from "../../rules/evaluate.js";
import type { BILLING_COLUMNS, SPLIT_COLUMNS } from "../../store/billing-columns.js";
import { openStore } from "../../store/database.js";
import type { MetricDay } from "../../store/inventory.js";
import { tempDir } from "./project.js";
import { seedInventory } from "./seed.js";

/** The instant the rules' tests evaluate at. */
export const NOW = new Date("2024-10-15T00:00:00Z");
export const ACCOUNT = "111111111111";
export const REGION = "us-east-1";
const DAY = 86_400_000;
export const daysAgo = (days: number, now = NOW) => new Date(now.getTime() - days * DAY).toISOString();
export const TAGS = { team: "platform", environment: "prod" };

export function resource(
  resourceType: string,
  resourceId: string,
  fields: Partial<ResourceRecord> & { attributes?: Record<string, unknown> } = {},
): ResourceRecord {
  return {
    resourceId,
    resourceType,
    account: ACCOUNT,
    region: REGION,
    state: null,
    stateSince: null,
    createdAt: daysAgo(200),
    tags: { ...TAGS },
    attributes: {},
    ...fields,
  };
}

export const instance = (
  id: string,
  fields: Partial<ResourceRecord> = {},
  attributes: Record<string, unknown> = {},
) =>
  resource("ec2:instance", id, {
    state: "running",
    ...fields,
    attributes: { instanceType: "m5.large", kubernetes: null, volumeIds: [], ...attributes },
  });
export const volume = (
  id: string,
  state: string,
  attributes: Record<string, unknown>,
  fields: Partial<ResourceRecord> = {},
) =>
  resource("ec2:volume", id, {
    state,
    ...fields,
    attributes: { volumeType: "gp3", sizeGiB: 50, ...attributes },
  });
export const snapshot = (id: string, ageDays: number, volumeId: string) =>
  resource("ec2:snapshot", id, {
    state: "completed",
    createdAt: daysAgo(ageDays),
    attributes: { volumeId, sizeGiB: 8 },
  });

/** `days` daily values of one metric, ending the day before NOW. */
export function series(
  resourceId: string,
  namespace: string,
  metric: string,
  days: number,
  value: Partial<MetricDay>,
): MetricDay[] {
  return Array.from({ length: days }, (_, i) => ({
    account: ACCOUNT,
    region: REGION,
    resourceId,
    namespace,
    metric,
    day: daysAgo(i + 1).slice(0, 10),
    average: null,
    maximum: null,
    sum: null,
    ...value,
  }));
}
export const cpu = (id: string, days: number, maximum: number, average = maximum / 2) =>
  series(id, "AWS/EC2", "CPUUtilization", days, { maximum, average });
export const network = (id: string, days: number, mbPerDay: number) => [
  ...series(id, "AWS/EC2", "NetworkIn", days, { sum: (mbPerDay * 1e6) / 2 }),
  ...series(id, "AWS/EC2", "NetworkOut", days, { sum: (mbPerDay * 1e6) / 2 }),
];
export const volumeOps = (id: string, days: number, opsPerDay: number) => [
  ...series(id, "AWS/EBS", "VolumeReadOps", days, { sum: opsPerDay / 2 }),
  ...series(id, "AWS/EBS", "VolumeWriteOps", days, { sum: opsPerDay / 2 }),
];

/** One collection to seed: its records (and metrics) as collect would have stored them at `at`. */
export interface Collection {
  records: ResourceRecord[];
  metrics?: MetricDay[];
  at: Date;
}

export interface KindFinding {
  resourceId: string;
  reason: string;
  evidence: Record<string, unknown>;
  team: string;
  protected: boolean;
  /** The finding's monthly cost and estimated savings, as exact decimal text (null when unknown). */
  monthlyCost: string | null;
  savings: string | null;
}

/**
 * One billing row to seed: FOCUS (and x_Split) columns by name, values as text or numbers (money as
 * decimal text, timestamps as ISO text). Unset columns stay NULL; x_Source and x_LoadId are filled.
 */
export type BillingRow = Partial<
  Record<keyof typeof BILLING_COLUMNS | keyof typeof SPLIT_COLUMNS, string | number | null>
>;

/** Inserts the rows into the store's billing table, each as a file-loaded ('focus') row. */
async function seedBilling(
  connection: Awaited<ReturnType<typeof openStore>>["connection"],
  rows: readonly BillingRow[],
): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row) as (keyof BillingRow)[];
    await connection.run(
      `INSERT INTO billing (${columns.join(", ")}, x_Source, x_LoadId)
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")}, 'focus', 'test-load')`,
      columns.map((c) => {
        const value = row[c];
        return value === undefined || value === null ? null : String(value);
      }),
    );
  }
}

/**
 * One rule kind run through the engine (rules/evaluate.ts analyze, as `finops analyze` runs it) on a
 * store seeded in a temporary folder with the given collections: its open findings, by resource id.
 * The rule is the only one enabled, with the given parameters; `config` holds other settings (tags);
 * `billing` rows are inserted into the billing table before the rules run.
 */
export async function findingsOfKind(
  kind: string,
  collections: Collection[],
  options: {
    params?: Record<string, unknown>;
    config?: Record<string, unknown>;
    now?: Date;
    billing?: readonly BillingRow[];
  } = {},
): Promise<KindFinding[]> {
  const dir = tempDir("finops-kind-");
  try {
    const db = join(dir.path, "finops.duckdb");
    for (const [index, { records, metrics, at }] of collections.entries()) {
      await seedInventory(db, `run-${index + 1}`, records, at, metrics);
    }
    const store = await openStore(db);
    try {
      await seedBilling(store.connection, options.billing ?? []);
      const config = configSchema.parse({
        ...options.config,
        rules: [{ id: kind, params: options.params ?? {} }],
      });
      await analyze(store.connection, config, options.now ?? NOW);
      const rows = await store.connection.runAndReadAll(
        `SELECT resource_id, reason, CAST(evidence AS VARCHAR) AS evidence, team, protected,
           CAST(monthly_cost AS VARCHAR) AS monthly_cost, CAST(estimated_monthly_savings AS VARCHAR) AS savings
         FROM findings
         WHERE rule = $1 AND resolved_at IS NULL ORDER BY resource_id`,
        [kind],
      );
      return rows.getRowObjectsJson().map((row) => ({
        resourceId: String(row.resource_id),
        reason: String(row.reason),
        evidence: JSON.parse(String(row.evidence)) as Record<string, unknown>,
        team: String(row.team),
        protected: row.protected === true,
        monthlyCost: decimalText(row.monthly_cost),
        savings: decimalText(row.savings),
      }));
    } finally {
      store.close();
    }
  } finally {
    dir.remove();
  }
}

/** A DECIMAL's text without trailing zeros ("12.500000" -> "12.5"), or null. */
const decimalText = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : String(value).includes(".")
      ? String(value).replace(/\.?0+$/, "")
      : String(value);

/** The resource ids a kind flags, sorted. */
export async function flaggedBy(
  kind: string,
  collections: Collection[],
  options: Parameters<typeof findingsOfKind>[2] = {},
): Promise<string[]> {
  return (await findingsOfKind(kind, collections, options)).map((f) => f.resourceId);
}

/** One collection at NOW minus 0.1 day, the usual last collection before the rules run. */
export const collected = (records: ResourceRecord[], metrics: MetricDay[] = []): Collection => ({
  records,
  metrics,
  at: new Date(daysAgo(0.1)),
});

/** The same metric days moved `days` earlier: data older than a rule's window. */
export const earlierBy = (metrics: MetricDay[], days: number): MetricDay[] =>
  metrics.map((m) => ({
    ...m,
    day: new Date(Date.parse(`${m.day}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10),
  }));
