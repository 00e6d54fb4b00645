import type { DuckDBConnection } from "@duckdb/node-api";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobRun, JobStatusSource } from "../core/jobs.js";
import { savingsTotalsByTeam } from "../store/savings.js";

/**
 * The Prometheus metrics of `finops serve`: jobs (runs, durations, last success) as they happen, and
 * the open findings and their monthly waste per rule, read from the database at each scrape.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: "finops_job_runs_total",
    help: "Scheduled job runs, by job and status (ok, failed, skipped: the previous run was still going).",
    labelNames: ["job", "status"],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "finops_job_duration_seconds",
    help: "Wall time of scheduled job runs.",
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

  constructor(connection: DuckDBConnection, scheduler?: JobStatusSource) {
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
