import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type ScheduledTask, schedule } from "node-cron";
import type { JobRun, JobState, JobStatusSource } from "../core/jobs.js";

/** A job the scheduler runs: a stage of the pipeline, called in-process. */
export type JobFn = () => Promise<void>;

export type { JobRun, JobState } from "../core/jobs.js";

/**
 * Runs named jobs on cron schedules (UTC), never two runs of the same job at once, and records every
 * run (start, end, status, error) in job_runs. A run due while the previous one is still going is
 * recorded as skipped, not queued: the next due time catches up.
 */
export class Scheduler implements JobStatusSource {
  private readonly state = new Map<string, JobState>();
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly jobs: Readonly<Record<string, JobFn>>,
    private readonly onRun: (run: JobRun) => void = () => {},
  ) {
    for (const name of Object.keys(jobs)) this.state.set(name, { running: false });
  }

  /** Starts the cron tasks of the jobs that have a schedule (null: off). */
  start(schedules: Readonly<Record<string, string | null>>): void {
    for (const [name, expression] of Object.entries(schedules)) {
      if (expression === null || !this.jobs[name]) continue;
      this.tasks.push(
        schedule(
          expression,
          async () => {
            await this.run(name);
          },
          { name: `finops-${name}`, timezone: "UTC" },
        ),
      );
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks.length = 0;
  }

  status(): ReadonlyMap<string, JobState> {
    return this.state;
  }

  /** Runs a job now (unless it is running), records the run and returns it. */
  async run(name: string): Promise<JobRun> {
    const job = this.jobs[name];
    const state = this.state.get(name);
    if (!job || !state) throw new Error(`no job ${name}`);
    const runId = `job-${randomUUID().slice(0, 8)}`;
    const startedAt = new Date();
    if (state.running) {
      const skipped: JobRun = {
        runId,
        job: name,
        status: "skipped",
        startedAt,
        finishedAt: startedAt,
        error: "the previous run is still running",
      };
      await this.record(skipped);
      this.onRun(skipped);
      return skipped;
    }
    state.running = true;
    await this.connection.run(
      "INSERT INTO job_runs VALUES ($1, $2, CAST($3 AS TIMESTAMP), NULL, 'running', NULL)",
      [runId, name, startedAt.toISOString()],
    );
    let run: JobRun;
    try {
      await job();
      run = { runId, job: name, status: "ok", startedAt, finishedAt: new Date() };
      state.lastSuccess = run.finishedAt;
    } catch (error) {
      run = {
        runId,
        job: name,
        status: "failed",
        startedAt,
        finishedAt: new Date(),
        error: (error as Error).message,
      };
    } finally {
      state.running = false;
    }
    state.lastRun = run;
    await this.connection.run(
      "UPDATE job_runs SET finished_at = CAST($2 AS TIMESTAMP), status = $3, error = $4 WHERE run_id = $1",
      [runId, run.finishedAt.toISOString(), run.status, run.error ?? null],
    );
    this.onRun(run);
    return run;
  }

  private async record(run: JobRun): Promise<void> {
    await this.connection.run(
      "INSERT INTO job_runs VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP), $5, $6)",
      [
        run.runId,
        run.job,
        run.startedAt.toISOString(),
        run.finishedAt.toISOString(),
        run.status,
        run.error ?? null,
      ],
    );
  }
}
