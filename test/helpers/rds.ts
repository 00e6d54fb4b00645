import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResourceRecord } from "../../collectors/inventory/resource.js";
import { runFinops } from "./cli.js";
import { tempDir } from "./project.js";
import { ACCOUNT, daysAgo, NOW, REGION, resource } from "./rule-kind.js";
import { seedInventory, writeFocusCsv } from "./seed.js";

/** An RDS database's ARN id, as the collector stores it. */
export const dbArn = (name: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:db:${name}`;

/** An available PostgreSQL db.m5.large, Single-AZ, 100 GiB gp3, unless told otherwise. */
export const database = (
  name: string,
  attributes: Record<string, unknown> = {},
  fields: Partial<ResourceRecord> = {},
): ResourceRecord =>
  resource("rds:db", dbArn(name), {
    state: "available",
    ...fields,
    attributes: {
      name,
      instanceClass: "db.m5.large",
      engine: "postgres",
      engineVersion: "16.3",
      storageType: "gp3",
      allocatedStorageGiB: 100,
      multiAz: false,
      ...attributes,
    },
  });

/**
 * One rule kind's estimated monthly savings by resource id, through `finops ingest` and `finops analyze`:
 * each database in `billed` billed that many USD a month (30 daily rows under its ARN, as AWS bills a
 * database's instance hours and storage), the others unbilled.
 */
export async function savingsOf(
  kind: string,
  records: ResourceRecord[],
  billed: Record<string, number>,
  params: Record<string, unknown> = {},
): Promise<Record<string, number | null>> {
  const dir = tempDir("finops-rds-savings-");
  try {
    const db = join(dir.path, "finops.duckdb");
    await seedInventory(db, "run-1", records, new Date(daysAgo(0.1)));
    const csv = join(dir.path, "billing.csv");
    writeFocusCsv(
      csv,
      Object.entries(billed).flatMap(([resourceId, monthly]) =>
        Array.from({ length: 30 }, (_, i) => ({
          account: ACCOUNT,
          resourceId,
          day: daysAgo(i + 1).slice(0, 10),
          cost: (monthly / 30).toFixed(10),
        })),
      ),
    );
    const config = join(dir.path, "rules.yaml");
    writeFileSync(config, JSON.stringify({ tags: { required: [] }, rules: [{ id: kind, params }] }));
    const common = ["--db", db, "--config", config];
    const ingest = await runFinops(["ingest", csv, ...common, "--json"]);
    if (ingest.code !== 0) throw new Error(ingest.stderr);
    const analyze = await runFinops(["analyze", "--now", NOW.toISOString(), ...common, "--json"]);
    if (analyze.code !== 0) throw new Error(analyze.stderr);
    const findings = JSON.parse(analyze.stdout).findings as {
      resourceId: string;
      estimatedMonthlySavings: number | null;
    }[];
    return Object.fromEntries(findings.map((f) => [f.resourceId, f.estimatedMonthlySavings]));
  } finally {
    dir.remove();
  }
}
