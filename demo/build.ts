/**
 * Builds the demo database: the estate's billing files are written to a `.demo/` folder next to the
 * database and loaded with the ordinary ingester, into a fresh database file that replaces the target
 * only once it is complete. A target that exists and is not a demo database is never touched.
 */
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { replayPages } from "../aws/record-replay.js";
import { ingestFiles } from "../collectors/billing/ingest.js";
import { collectInventoryAndUtilization } from "../collectors/collect-run.js";
import { newRunId } from "../collectors/run.js";
import type { Config } from "../config/schema.js";
import { RuntimeError, UsageError } from "../core/errors.js";
import { trimDecimal } from "../core/money.js";
import { analyze } from "../rules/evaluate.js";
import { openStore, type Store } from "../store/database.js";
import { type BillingOutput, writeBilling } from "./billing.js";
import { allResources, buildEstate, DAY_MS, type Estate, isoDay } from "./estate.js";
import { replayInstant, writeReplay } from "./replay.js";

export interface DemoBuild {
  estate: Estate;
  dbPath: string;
  billingFolder: string;
  billing: BillingOutput;
  rowsLoaded: number;
  billingPeriods: string[];
  /** The recorded API pages the demo's inventory and utilization were collected from. */
  replay: { folder: string; resources: number; metricDays: number };
}

/** The folder for the demo's files: the database's own folder if it is `.demo`, else `.demo` beside it. */
export function demoFolder(dbPath: string): string {
  const folder = dirname(dbPath);
  return basename(folder) === ".demo" ? folder : join(folder, ".demo");
}

/** Throws a UsageError unless `path` is absent or a database an earlier `finops demo` built. */
export async function assertReplaceable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  const refuse = (why: string) =>
    new UsageError(
      `${path} ${why}: the demo only replaces a database it built (one with a demo_info table). ` +
        "Pass another --db, or remove the file yourself if you really mean to.",
    );
  if (!info.isFile()) throw refuse("exists and is not a file");
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, {
      access_mode: "READ_ONLY",
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
    });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw refuse(`exists and cannot be opened as a DuckDB database (${reason})`);
  }
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'demo_info'",
      );
      if (Number(reader.getRowObjectsJson()[0]?.n ?? 0) === 0) {
        throw refuse("exists and is not a finops demo database");
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export async function buildDemo(options: {
  dbPath: string;
  anchor: Date;
  seed: number;
  config: Config;
  progress?: (message: string) => void;
}): Promise<DemoBuild> {
  const { dbPath, seed } = options;
  const progress = options.progress ?? (() => {});
  await assertReplaceable(dbPath);

  const estate = buildEstate(seed, options.anchor);
  const billingFolder = join(demoFolder(dbPath), "billing");
  await removeOldBilling(billingFolder);
  progress(
    `Writing ${estate.days} days of FOCUS billing for ${allResources(estate).length} resources to ${billingFolder}`,
  );
  const billing = await writeBilling(estate, billingFolder);

  const building = `${dbPath}.building-${process.pid}`;
  await removeDatabaseFiles(building);
  try {
    const store = await openStore(building, { readable: [billingFolder] });
    let loaded: { rowsLoaded: number; billingPeriods: string[] };
    let replay: DemoBuild["replay"];
    try {
      progress(`Loading ${billing.rows.toLocaleString("en-US")} billing rows into ${dbPath}`);
      loaded = await ingestFiles(
        store,
        billing.files.map((f) => f.path),
        { format: "focus" },
      );
      await checkTotals(store.connection, billing);
      replay = await collectFromReplay(
        store,
        estate,
        options.config,
        join(demoFolder(dbPath), "replay"),
        progress,
      );
      progress("Evaluating the waste rules of rules.yaml");
      await analyze(store.connection, options.config, replayInstant(estate));
      await recordDemo(store.connection, estate, loaded.rowsLoaded);
    } finally {
      store.close();
    }
    await removeDatabaseFiles(dbPath);
    await rename(building, dbPath);
    return { estate, dbPath, billingFolder, billing, replay, ...loaded };
  } finally {
    await removeDatabaseFiles(building);
  }
}

/**
 * Writes the estate's API pages as a record folder and collects inventory and utilization from it
 * with the engine's own collectors (`finops collect --replay`): the demo runs the real parsing code.
 */
async function collectFromReplay(
  store: Store,
  estate: Estate,
  config: Config,
  folder: string,
  progress: (message: string) => void,
): Promise<DemoBuild["replay"]> {
  const written = await writeReplay(estate, folder);
  progress(
    `Collecting inventory and utilization by replay of ${written.files} recorded API pages in ${folder}`,
  );
  const reports = await collectInventoryAndUtilization(store, {
    config,
    aws: {},
    regions: [],
    now: replayInstant(estate),
    runId: newRunId(),
    inventory: true,
    utilization: true,
    pages: replayPages(folder),
    replayDir: folder,
  });
  const failed = reports.filter((r) => r.status === "failed");
  if (failed.length) {
    throw new RuntimeError(
      `demo replay failed: ${failed.map((r) => `${r.name} ${r.region}: ${r.error}`).join("; ")}`,
    );
  }
  return {
    folder,
    // Each resource once (the Tagging API also reports those the dedicated collectors list).
    resources: Number(
      (
        await store.connection.runAndReadAll("SELECT count(*) AS n FROM resources_current")
      ).getRowObjectsJson()[0]?.n,
    ),
    metricDays: reports.filter((r) => r.name.startsWith("utilization:")).reduce((sum, r) => sum + r.rows, 0),
  };
}

async function removeOldBilling(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (/^focus-\d{4}-\d{2}\.csv\.gz$/.test(name)) await rm(join(folder, name), { force: true });
  }
}

async function removeDatabaseFiles(path: string): Promise<void> {
  for (const file of [path, `${path}.wal`, `${path}.tmp`]) await rm(file, { force: true, recursive: true });
}

type Connection = Awaited<ReturnType<typeof openStore>>["connection"];

/** The database must hold exactly the money the generator wrote. */
async function checkTotals(connection: Connection, billing: BillingOutput): Promise<void> {
  const reader = await connection.runAndReadAll(
    "SELECT CAST(sum(BilledCost) AS VARCHAR) AS billed, CAST(sum(EffectiveCost) AS VARCHAR) AS effective FROM billing",
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  const expected = { billed: unitsText(billing.billedUnits), effective: unitsText(billing.effectiveUnits) };
  const actual = { billed: trimDecimal(String(row.billed)), effective: trimDecimal(String(row.effective)) };
  if (actual.billed !== expected.billed || actual.effective !== expected.effective) {
    throw new RuntimeError(
      `demo billing did not load exactly: wrote billed ${expected.billed} / effective ${expected.effective}, ` +
        `the database holds ${actual.billed} / ${actual.effective}`,
    );
  }
}

/** Units of 1e-10 as decimal text, trimmed like trimDecimal. */
export function unitsText(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(11, "0");
  return trimDecimal(`${negative ? "-" : ""}${digits.slice(0, -10)}.${digits.slice(-10)}`);
}

async function recordDemo(connection: Connection, estate: Estate, rows: number): Promise<void> {
  const windowEnd = isoDay(Date.parse(`${estate.windowStart}T00:00:00Z`) + estate.days * DAY_MS);
  await connection.run(`CREATE TABLE demo_info (
    seed BIGINT NOT NULL,
    anchor DATE NOT NULL,
    window_start DATE NOT NULL,
    window_end DATE NOT NULL,
    billing_rows BIGINT NOT NULL,
    resources JSON NOT NULL,
    built_at TIMESTAMP NOT NULL
  )`);
  await connection.run("INSERT INTO demo_info VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)", [
    estate.seed,
    estate.anchor,
    estate.windowStart,
    windowEnd,
    rows,
    JSON.stringify(estateCounts(estate)),
  ]);
}

/** How many of each thing the estate has. */
export function estateCounts(estate: Estate): Record<string, number> {
  return {
    accounts: estate.accounts.length,
    regions: estate.regions.length,
    teams: estate.teams.length,
    instances: estate.instances.length,
    volumes: estate.volumes.length,
    snapshots: estate.snapshots.length,
    elasticIps: estate.elasticIps.length,
    natGateways: estate.natGateways.length,
    eksClusters: estate.eksClusters.length,
    buckets: estate.buckets.length,
    databases: estate.databases.length,
    loadBalancers: estate.loadBalancers.length,
    functions: estate.functions.length,
    logGroups: estate.logGroups.length,
    kmsKeys: estate.kmsKeys.length,
    hostedZones: estate.hostedZones.length,
    dynamoTables: estate.dynamoTables.length,
    ecrRepositories: estate.ecrRepositories.length,
    cacheClusters: estate.cacheClusters.length,
    redshiftClusters: estate.redshiftClusters.length,
    images: estate.images.length,
    launchTemplates: estate.launchTemplates.length,
  };
}
