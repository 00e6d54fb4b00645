#!/usr/bin/env node
/**
 * Benchmarks: `npm run bench -- NAME [options]`. With no name (or --help) lists them; an unknown name
 * exits 2.
 */

/** Each benchmark's module is loaded when run: the rules benchmark's child processes time their start. */
interface Benchmark {
  description: string;
  run(args: string[]): Promise<number>;
}

const BENCHMARKS: Record<string, Benchmark> = {
  apply: {
    description:
      "finops plan, approve and apply of a 1,000-item plan (terminate expired instances) against moto: wall " +
      "time, peak RSS, AWS calls per item, journal rows, and the ratio to the bare SDK doing the same",
    run: async (args) => (await import("./apply.js")).runApplyBenchmark(args),
  },
  collect: {
    description:
      "finops collect --only inventory,utilization against moto seeded with 5,000 instances and 5,000 volumes: " +
      "wall time, peak RSS, API calls, GetMetricData calls per 1,000 instances",
    run: async (args) => (await import("./collect.js")).runCollectBenchmark(args),
  },
  ingest: {
    description:
      "finops ingest of generated FOCUS 1.0 CSVs (1M and 10M rows) against DuckDB's own CSV load: wall time, peak RSS; " +
      "--input parquet: a FOCUS Parquet bill of 1M, 10M and 100M rows through ingest, aggregates, costs, the weekly " +
      "report and a reload, each step's time, peak RSS and growth, and the database's size",
    run: async (args) => (await import("./ingest.js")).runIngestBenchmark(args),
  },
  rules: {
    description:
      "finops analyze (every built-in rule) over generated stores of 100k and 1M resources with 30 days of " +
      "metrics: wall time of a first and a second run, peak RSS, findings per rule, growth with size",
    run: async (args) => (await import("./rules.js")).runRulesBenchmark(args),
  },
  web: {
    description:
      "the overview page's API calls against finops serve on a 10M-row bill (ingested, aggregates built at " +
      "start-up): p50/p95/max per route, sequential and 4 clients, against the same sums from the billing rows",
    run: async (args) => (await import("./web.js")).runWebBenchmark(args),
  },
};

function usage(): string {
  const names = Object.entries(BENCHMARKS)
    .map(([name, benchmark]) => `  ${name.padEnd(10)} ${benchmark.description}`)
    .join("\n");
  return `usage: npm run bench -- <benchmark> [options]   (<benchmark> --help for its options)\n\nbenchmarks:\n${names}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return 0;
  }
  const benchmark = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    process.stderr.write(`bench: unknown benchmark "${name}"\n${usage()}`);
    return 2;
  }
  return benchmark.run(args);
}

// As in cli/main.ts: Node 20 is the project's runtime; the SDK's Node 22 notice is noise in reports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await main(process.argv.slice(2));
