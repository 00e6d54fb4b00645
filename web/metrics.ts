import type { DuckDBConnection } from "@duckdb/node-api";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CommitmentsConfig } from "../config/commitments.js";
import type { JobRun, JobStatusSource } from "../core/jobs.js";
import { commitmentReport } from "../store/commitments.js";
import { savingsTotalsByTeam } from "../store/savings.js";

/**
 * The Prometheus metrics of `finops serve`: jobs (runs, durations, last success) as they happen, and
 * the open findings and their monthly waste per rule, read from the database at each scrape.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: "finops_job_runs_total",
    help:
      "Job runs, scheduled or started through the API (finops --server: the command's name), by job and status (ok, failed, " +
      "skipped: the previous run, or a job started through the API, was still going).",
    labelNames: ["job", "status"],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "finops_job_duration_seconds",
    help: "Wall time of job runs, scheduled or started through the API.",
    labelNames: ["job"],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: "finops_job_last_success_timestamp_seconds",
    help: "When each job last finished successfully (Unix time).",
    labelNames: ["job"],
    registers: [this.registry],
  });

  constructor(
    connection: DuckDBConnection,
    scheduler?: JobStatusSource,
    commitments?: { config: CommitmentsConfig; now: () => Date },
  ) {
    const running = new Gauge({
      name: "finops_job_running",
      help: "1 while a job runs.",
      labelNames: ["job"],
      registers: [this.registry],
      collect() {
        for (const [job, state] of scheduler?.status() ?? []) this.set({ job }, state.running ? 1 : 0);
      },
    });
    void running;
    // Both gauges are collected at once in a scrape: they share one query of the findings.
    let pending: Promise<OpenByRule[]> | null = null;
    const openRules = () => {
      pending ??= openByRule(connection).finally(() => {
        pending = null;
      });
      return pending;
    };
    const findings = new Gauge({
      name: "finops_findings_open",
      help: "Open findings, by rule.",
      labelNames: ["rule"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await openRules()) this.set({ rule: row.rule }, row.count);
      },
    });
    void findings;
    const waste = new Gauge({
      name: "finops_monthly_waste_dollars",
      help:
        "Estimated monthly savings the open findings of each rule claim (billing currency). A resource flagged by " +
        "several rules counts in each: do not sum across rules; finops_monthly_savings_dollars counts it once.",
      labelNames: ["rule"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await openRules()) this.set({ rule: row.rule }, row.savings);
      },
    });
    void waste;
    const savings = new Gauge({
      name: "finops_monthly_savings_dollars",
      help:
        "Estimated monthly savings of the open findings, by team, each resource counted once: the one action " +
        "taken (the largest savings), never more than the resource's cost (billing currency).",
      labelNames: ["team"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await savingsTotalsByTeam(connection, { status: "open" })) {
          this.set({ team: row.team }, Number(row.estimatedMonthlySavings));
        }
      },
    });
    void savings;
    if (commitments) {
      const utilization = new Gauge({
        name: "finops_commitment_utilization",
        help:
          "Utilization (used / amortized cost, 0 to 1) of each Savings Plan and reservation over the 30 days before now, " +
          'as finops commitments computes it; commitment="all" with type="all" is the summary, with a type that type\'s ' +
          "total. A commitment without cost in those days has no series.",
        labelNames: ["commitment", "type"],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const series of await commitmentUtilization(
            connection,
            commitments.config,
            commitments.now(),
          )) {
            this.set({ commitment: series.commitment, type: series.type }, series.utilization);
          }
        },
      });
      void utilization;
    }
  }

  observe(run: JobRun): void {
    this.runs.inc({ job: run.job, status: run.status });
    if (run.status === "skipped") return;
    this.duration.observe({ job: run.job }, (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000);
    if (run.status === "ok") this.lastSuccess.set({ job: run.job }, run.finishedAt.getTime() / 1000);
  }
}

interface OpenByRule {
  rule: string;
  count: number;
  savings: number;
}

async function openByRule(connection: DuckDBConnection): Promise<OpenByRule[]> {
  const reader = await connection.runAndReadAll(
    `SELECT rule, count(*) AS n, coalesce(sum(estimated_monthly_savings), 0)::DOUBLE AS savings
     FROM findings WHERE resolved_at IS NULL GROUP BY rule ORDER BY rule`,
  );
  return reader
    .getRowObjectsJson()
    .map((r) => ({ rule: String(r.rule), count: Number(r.n), savings: Number(r.savings) }));
}

/** The type label of a commitment whose type no source names (FOCUS names "Savings Plan" or "Reserved Instance"). */
const NO_TYPE = "unknown";

/**
 * The series of finops_commitment_utilization. Its labels stay bounded: one series per commitment that
 * had cost in the 30 days (an organisation holds tens to hundreds), one per type, and the summary.
 */
async function commitmentUtilization(
  connection: DuckDBConnection,
  config: CommitmentsConfig,
  now: Date,
): Promise<{ commitment: string; type: string; utilization: number }[]> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const to = day(now.getTime());
  const report = await commitmentReport(connection, config, {
    from: day(now.getTime() - 30 * 86_400_000),
    to,
    now,
    by: "type",
  });
  const series: { commitment: string; type: string; utilization: number | null }[] = [
    { commitment: "all", type: "all", utilization: report.summary.utilization },
    ...report.groups.map((g) => ({ commitment: "all", type: g.key ?? NO_TYPE, utilization: g.utilization })),
    ...report.commitments.map((c) => ({
      commitment: c.commitmentId,
      type: c.type ?? NO_TYPE,
      utilization: c.utilization,
    })),
  ];
  // A rate without a base (no commitment cost) is no sample: 0 would read as a commitment wholly unused.
  return series.flatMap((s) => (s.utilization === null ? [] : [{ ...s, utilization: s.utilization }]));
}
