/**
 * `npm run bench -- ingest --input parquet`: a whole bill's life at 1M, 10M and 100M rows, each step the
 * ordinary CLI (or serve's start-up work) in a child process of its own, so its peak RSS is its own:
 * - ingest: `finops ingest FOLDER` of a generated FOCUS Parquet bill (focus-parquet.ts), three periods,
 *   which builds the daily cost aggregates of each period it loads (store/cost-aggregates.ts);
 * - aggregates: what `finops serve` does with them at start-up (scale-aggregates.ts): finds them current;
 * - costs-service, costs-resource: `finops costs --by service` and `--by resource` (read from them);
 * - report: `finops report weekly` of a week of the third period;
 * - reload: `finops ingest` of the third period's folder again (it replaces that period, and builds that
 *   period's aggregates again, the others' kept);
 * - reaggregate: serve's start-up after the reload (finds them current).
 * For each: wall and CPU time, peak RSS, exit; the database's size after the load; and each step's
 * growth from one size to the next against the growth in rows.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { round } from "./figures.js";
import { ensureFocusParquet, PERIODS, REPORT_WEEK } from "./focus-parquet.js";
import { measureNodeExit, PROJECT_ROOT, readRows, withReadOnlyDatabase } from "./measure.js";
import { progressOf } from "./options.js";

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");
const AGGREGATES = join(PROJECT_ROOT, "dist", "bench", "scale-aggregates.js");
export const PARQUET_DEFAULT_ROWS = [1_000_000, 10_000_000, 100_000_000];
const TARGET_PEAK_RSS_MIB = 2048;
/** Growth "no worse than linear", with room for the noise of a shared machine. */
const LINEAR_SLACK = 1.2;

const progress = progressOf("ingest parquet");

interface StepResult {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number | null;
  exitCode: number | null;
  error?: string;
}

interface SizeResult {
  rows: number;
  files: number;
  fileBytes: number;
  generatedSeconds: number;
  rowsInDatabase: number | null;
  /** The database file after the load, and after the aggregates (serve's first start). */
  dbBytes: { afterIngest: number; afterAggregates: number };
  steps: Record<string, StepResult>;
}

export const PARQUET_STEPS = [
  "ingest",
  "aggregates",
  "costs-service",
  "costs-resource",
  "report",
  "reload",
  "reaggregate",
];

export async function runParquetBenchmark(
  rows: number[],
  dataDir: string,
  keep: boolean,
  only: string[] = PARQUET_STEPS,
): Promise<number> {
  await mkdir(dataDir, { recursive: true });
  const loadAtStart = loadavg();
  const sizes: SizeResult[] = [];
  for (const n of rows) sizes.push(await benchmarkSize(n, dataDir, keep, new Set(only)));
  const growth = growthOf(sizes);
  const largest = [...sizes].sort((a, b) => b.rows - a.rows)[0];
  const targets = [
    ...(largest
      ? Object.entries(largest.steps).map(([step, result]) => ({
          target: `${step} peakRssMiB < ${TARGET_PEAK_RSS_MIB}`,
          rows: largest.rows,
          value: result.peakRssMiB,
          pass:
            result.exitCode === 0 && (result.peakRssMiB ?? Number.POSITIVE_INFINITY) < TARGET_PEAK_RSS_MIB,
        }))
      : []),
    ...growth.map((g) => ({
      target: `${g.step} time growth <= ${LINEAR_SLACK} x rows growth`,
      rows: g.toRows,
      value: g.timeRatio,
      pass: g.timeRatio !== null && g.timeRatio <= g.rowsRatio * LINEAR_SLACK,
    })),
  ];
  const report = {
    benchmark: "ingest",
    input: "parquet",
    environment: {
      node: process.version,
      cpus: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      loadAverage: { start: loadAtStart.map((n) => round(n, 2)), end: loadavg().map((n) => round(n, 2)) },
      memoryLimit: process.env.FINOPS_MEMORY_LIMIT ?? null,
    },
    sizes,
    growth,
    targets,
    pass: targets.every((t) => t.pass),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

async function benchmarkSize(
  rows: number,
  dataDir: string,
  keep: boolean,
  only: Set<string>,
): Promise<SizeResult> {
  const label = rows.toLocaleString("en-US");
  progress(`${label} rows: preparing the Parquet bill in ${dataDir}`);
  const bill = await ensureFocusParquet(dataDir, rows);
  progress(
    `${label} rows: ${bill.generated ? `generated in ${bill.seconds.toFixed(1)} s` : "reused"} ${bill.dir} ` +
      `(${bill.files} files, ${(bill.bytes / 2 ** 20).toFixed(0)} MiB)`,
  );
  const work = await mkdtemp(join(dataDir, `run-${rows}-`));
  const db = join(work, "finops.duckdb");
  const lastPeriod = join(bill.dir, (PERIODS.at(-1) ?? "").slice(0, 7));
  const steps: Record<string, StepResult> = {};
  const run = async (step: string, args: string[]) => {
    // A step left out (--steps) counts as done: the ones after it still run.
    if (!only.has(step)) return true;
    const measured = await measureNodeExit(args, work, `${label} rows: ${step}`);
    const result: StepResult = {
      wallSeconds: round(measured.wallSeconds, 2),
      cpuSeconds: round(measured.cpuSeconds, 1),
      peakRssMiB: Number.isFinite(measured.peakRssKiB) ? round(measured.peakRssKiB / 1024, 0) : null,
      exitCode: measured.exitCode,
      ...(measured.error ? { error: measured.error } : {}),
    };
    steps[step] = result;
    progress(
      `${label} rows: ${step}: ${result.wallSeconds} s, peak RSS ${result.peakRssMiB} MiB, CPU ${result.cpuSeconds} s` +
        (result.error ? `, FAILED ${result.error}` : ""),
    );
    return result.exitCode === 0;
  };
  try {
    const ingested = await run("ingest", [CLI, "ingest", bill.dir, "--db", db]);
    const rowsInDatabase = ingested ? await countRows(db) : null;
    const afterIngest = await databaseBytes(work);
    if (ingested) await run("aggregates", [AGGREGATES, db]);
    const afterAggregates = await databaseBytes(work);
    if (ingested) {
      await run("costs-service", [CLI, "costs", "--by", "service", "--db", db]);
      await run("costs-resource", [CLI, "costs", "--by", "resource", "--db", db]);
      const out = join(work, "report");
      await run("report", [CLI, "report", "weekly", "--week", REPORT_WEEK, "--out", out, "--db", db]);
      if (await run("reload", [CLI, "ingest", lastPeriod, "--db", db]))
        await run("reaggregate", [AGGREGATES, db]);
    }
    return {
      rows,
      files: bill.files,
      fileBytes: bill.bytes,
      generatedSeconds: round(bill.seconds, 1),
      rowsInDatabase,
      dbBytes: { afterIngest, afterAggregates },
      steps,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    if (!keep) await rm(bill.dir, { recursive: true, force: true });
  }
}

async function countRows(db: string): Promise<number> {
  return withReadOnlyDatabase(db, async (connection) =>
    Number((await readRows(connection, "SELECT count(*) AS n FROM billing"))[0]?.n ?? -1),
  );
}

/** The database file and its write-ahead log. */
async function databaseBytes(dir: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(dir)) {
    if (name.startsWith("finops.duckdb")) bytes += (await stat(join(dir, name))).size;
  }
  return bytes;
}

/** Each step's time from one size to the next, against the rows' growth (linear: equal). */
function growthOf(sizes: SizeResult[]) {
  const list: {
    step: string;
    fromRows: number;
    toRows: number;
    rowsRatio: number;
    timeRatio: number | null;
    cpuRatio: number | null;
  }[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const from = sizes[i - 1];
    const to = sizes[i];
    if (!from || !to) continue;
    for (const [step, result] of Object.entries(to.steps)) {
      const before = from.steps[step];
      if (!before) continue;
      const ok = before.exitCode === 0 && result.exitCode === 0 && before.wallSeconds > 0;
      list.push({
        step,
        fromRows: from.rows,
        toRows: to.rows,
        rowsRatio: round(to.rows / from.rows, 2),
        timeRatio: ok ? round(result.wallSeconds / before.wallSeconds, 2) : null,
        // CPU seconds grow with the work alone; wall time also with whatever else shares the machine.
        cpuRatio: ok && before.cpuSeconds > 0 ? round(result.cpuSeconds / before.cpuSeconds, 2) : null,
      });
    }
  }
  return list;
}
