/**
 * The ingest benchmark: `finops ingest` of FOCUS 1.0 CSV exports of 1M and 10M rows, against a baseline
 * of DuckDB loading the same file with its defaults (`CREATE TABLE t AS SELECT * FROM read_csv(...)`).
 * Both run as child processes, alternately, each into a fresh temporary database; the parent measures
 * wall time and the children report their peak RSS (see rusage-hook.ts).
 *
 * Prints one JSON document on stdout; progress goes to stderr. Exits 0 whether or not the targets are
 * met (it is a report), 1 when a run fails, 2 on bad arguments.
 */
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { round } from "./figures.js";
import { ensureFocusCsv } from "./focus-csv.js";
import { PARQUET_DEFAULT_ROWS, PARQUET_STEPS, runParquetBenchmark } from "./ingest-parquet.js";
import { ChildFailure, type Measurement, measureNode, PROJECT_ROOT } from "./measure.js";
import { benchOptions, parseBenchArgs, parseCount, parseCounts, progressOf, UsageError } from "./options.js";

const DEFAULT_ROWS = [1_000_000, 10_000_000];
/** Runs per engine: one at 10M rows and above (minutes each), three below, of which the median. */
const runsFor = (rows: number) => (rows >= 10_000_000 ? 1 : 3);

const TARGET_RATIO = 1.25;
const TARGET_PEAK_RSS_MIB = 1024;
const TARGET_RSS_ROWS = 10_000_000;

const CLI = join(PROJECT_ROOT, "dist", "cli", "main.js");
const BASELINE = join(PROJECT_ROOT, "dist", "bench", "baseline-load.js");

export const INGEST_USAGE = `usage: npm run bench -- ingest [--input csv|parquet] [--rows LIST] [--runs N] [--data-dir DIR] [--keep]

  --input csv      (default) one CSV file a size, finops ingest against DuckDB's own read_csv load
  --input parquet  a FOCUS Parquet bill a size (three monthly folders of files), and after its ingest
                   the aggregates, costs --by service and --by resource, the weekly report and a reload
                   of one period, each step in a child process: time, peak RSS, database size, growth
  --rows LIST      comma-separated sizes in rows (default ${DEFAULT_ROWS.join(",")}; parquet: ${PARQUET_DEFAULT_ROWS.join(",")})
  --runs N         csv: runs per engine and size (default: 3 below 10M rows, 1 from 10M), median reported
  --data-dir DIR   where generated bills are kept (default bench-data/ at the project root)
  --steps LIST     parquet: only these steps (ingest always; default all: ${PARQUET_STEPS.join(",")})
  --keep           parquet: keep the generated bills for the next run (default: deleted after each size)`;

interface EngineResult {
  wallSeconds: number;
  peakRssMiB: number;
  /** User + system CPU seconds of the child (median), for reading wall times taken on a busy machine. */
  cpuSeconds: number;
  samples: { wallSeconds: number; peakRssMiB: number; cpuSeconds: number }[];
}

interface SizeResult {
  rows: number;
  fileBytes: number;
  runs: number;
  finops: EngineResult;
  baseline: EngineResult;
  ratio: number;
}

interface Target {
  target: string;
  rows: number;
  value: number;
  pass: boolean;
}

const progress = progressOf("ingest");

interface IngestOptions {
  input: "csv" | "parquet";
  rows: number[];
  runs?: number;
  dataDir: string;
  keep: boolean;
  steps: string[];
}

function parseOptions(args: string[]): IngestOptions | "help" {
  const { values } = parseBenchArgs(args, {
    input: { type: "string" },
    rows: { type: "string" },
    runs: { type: "string" },
    "data-dir": { type: "string" },
    keep: { type: "boolean" },
    steps: { type: "string" },
  });
  if (values.help) return "help";
  const input = values.input ?? "csv";
  if (input !== "csv" && input !== "parquet")
    throw new UsageError(`--input: "${input}" is not csv or parquet`);
  const rows = values.rows
    ? parseCounts("rows", values.rows, 1)
    : input === "parquet"
      ? PARQUET_DEFAULT_ROWS
      : DEFAULT_ROWS;
  const runs = values.runs === undefined ? undefined : parseCount("runs", values.runs, 1);
  const dataDir = resolve(values["data-dir"] ?? join(PROJECT_ROOT, "bench-data"));
  const steps = values.steps ? values.steps.split(",").map((step) => step.trim()) : PARQUET_STEPS;
  const unknown = steps.find((step) => !PARQUET_STEPS.includes(step));
  if (unknown) throw new UsageError(`--steps: "${unknown}" is not one of ${PARQUET_STEPS.join(", ")}`);
  if (!steps.includes("ingest")) throw new UsageError("--steps: every run starts with ingest");
  return { input, rows, dataDir, keep: values.keep === true, steps, ...(runs ? { runs } : {}) };
}

export async function runIngestBenchmark(args: string[]): Promise<number> {
  const options = benchOptions("ingest", INGEST_USAGE, args, parseOptions);
  if (typeof options === "number") return options;

  try {
    if (options.input === "parquet")
      return await runParquetBenchmark(options.rows, options.dataDir, options.keep, options.steps);
    await mkdir(options.dataDir, { recursive: true });
    const loadAtStart = loadavg();
    const sizes: SizeResult[] = [];
    for (const rows of options.rows) sizes.push(await benchmarkSize(rows, options.dataDir, options.runs));
    const report = {
      benchmark: "ingest",
      environment: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        // 1, 5 and 15-minute load averages: wall times are only comparable on an otherwise idle machine.
        loadAverage: { start: loadAtStart.map((n) => round(n, 2)), end: loadavg().map((n) => round(n, 2)) },
      },
      sizes,
      targets: targets(sizes),
    };
    process.stdout.write(
      `${JSON.stringify({ ...report, pass: report.targets.every((t) => t.pass) }, null, 2)}\n`,
    );
    return 0;
  } catch (error) {
    progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof ChildFailure) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** ratio <= 1.25 at every size; finops's peak RSS under 1 GiB at 10M rows (else at the largest size run). */
function targets(sizes: SizeResult[]): Target[] {
  const list: Target[] = sizes.map((size) => ({
    target: `ratio <= ${TARGET_RATIO}`,
    rows: size.rows,
    value: size.ratio,
    pass: size.ratio <= TARGET_RATIO,
  }));
  const rssSize =
    sizes.find((size) => size.rows === TARGET_RSS_ROWS) ?? [...sizes].sort((a, b) => b.rows - a.rows)[0];
  if (rssSize) {
    list.push({
      target: `finops peakRssMiB < ${TARGET_PEAK_RSS_MIB}`,
      rows: rssSize.rows,
      value: rssSize.finops.peakRssMiB,
      pass: rssSize.finops.peakRssMiB < TARGET_PEAK_RSS_MIB,
    });
  }
  return list;
}

async function benchmarkSize(
  rows: number,
  dataDir: string,
  runsOverride: number | undefined,
): Promise<SizeResult> {
  progress(`${rows.toLocaleString("en-US")} rows: preparing the CSV in ${dataDir}`);
  const file = await ensureFocusCsv(dataDir, rows);
  progress(
    `${rows.toLocaleString("en-US")} rows: ${file.generated ? `generated in ${file.seconds.toFixed(1)} s` : "reused"} ` +
      `${file.path} (${(file.bytes / 2 ** 20).toFixed(0)} MiB)`,
  );
  // Both engines read the file from the page cache, the first run as much as the later ones.
  await readThrough(file.path);

  const runs = runsOverride ?? runsFor(rows);
  const finops: Measurement[] = [];
  const baseline: Measurement[] = [];
  for (let run = 1; run <= runs; run++) {
    baseline.push(
      await inFreshDb(`baseline run ${run}/${runs}`, rows, (db) => runBaseline(file.path, db, rows)),
    );
    finops.push(await inFreshDb(`finops run ${run}/${runs}`, rows, (db) => runFinops(file.path, db, rows)));
  }
  const finopsResult = summarize(finops);
  const baselineResult = summarize(baseline);
  return {
    rows,
    fileBytes: file.bytes,
    runs,
    finops: finopsResult,
    baseline: baselineResult,
    ratio: round(finopsResult.wallSeconds / baselineResult.wallSeconds, 3),
  };
}

async function inFreshDb(
  label: string,
  rows: number,
  body: (db: string) => Promise<Measurement>,
): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), "finops-bench-db-"));
  try {
    const result = await body(join(dir, "bench.duckdb"));
    progress(
      `${rows.toLocaleString("en-US")} rows: ${label}: ${result.wallSeconds.toFixed(2)} s, ` +
        `peak RSS ${(result.peakRssKiB / 1024).toFixed(0)} MiB, CPU ${result.cpuSeconds.toFixed(1)} s`,
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runFinops(file: string, db: string, rows: number): Promise<Measurement> {
  const result = await measureNode([CLI, "ingest", file, "--db", db, "--json"], "finops ingest");
  let rowsLoaded: unknown;
  try {
    rowsLoaded = (JSON.parse(result.stdout) as { rowsLoaded?: unknown }).rowsLoaded;
  } catch {
    throw new ChildFailure(`finops ingest: stdout is not JSON: ${result.stdout.slice(0, 500)}`);
  }
  if (rowsLoaded !== rows)
    throw new ChildFailure(`finops ingest: rowsLoaded ${String(rowsLoaded)}, expected ${rows}`);
  return result;
}

async function runBaseline(file: string, db: string, rows: number): Promise<Measurement> {
  const result = await measureNode([BASELINE, file, db], "baseline");
  const rowsLoaded = (JSON.parse(result.stdout) as { rowsLoaded?: unknown }).rowsLoaded;
  if (rowsLoaded !== rows)
    throw new ChildFailure(`baseline: loaded ${String(rowsLoaded)} rows, expected ${rows}`);
  return result;
}

function summarize(measurements: Measurement[]): EngineResult {
  const samples = measurements.map((m) => ({
    wallSeconds: round(m.wallSeconds, 3),
    peakRssMiB: round(m.peakRssKiB / 1024, 1),
    cpuSeconds: round(m.cpuSeconds, 2),
  }));
  return {
    wallSeconds: median(samples.map((s) => s.wallSeconds)),
    peakRssMiB: median(samples.map((s) => s.peakRssMiB)),
    cpuSeconds: median(samples.map((s) => s.cpuSeconds)),
    samples,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

async function readThrough(path: string): Promise<void> {
  for await (const _chunk of createReadStream(path, { highWaterMark: 8 * 2 ** 20 })) {
    // Only to bring the file into the page cache.
  }
}
