import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type ScheduledTask, schedule } from "node-cron";
import {
  type ApiJobStart,
  type JobRun,
  type JobState,
  type JobStatusSource,
  type JobTrigger,
  WriterLock,
} from "../core/jobs.js";

/** A job the scheduler runs: a stage of the pipeline, called in-process. */
export type JobFn = () => Promise<void>;

export type { JobRun, JobState } from "../core/jobs.js";

/** A run's body: resolves to its error (a failed run), or undefined (ok); a throw fails it too. */
type RunBody = () => Promise<string | undefined>;

/**
 * Runs the process's writing jobs, and records every run (start, end, trigger, status, error) in
 * job_runs: the named jobs on cron schedules (UTC), and the commands started through the API
 * (startApiJob). One writing job at a time, whichever started it (WriterLock):
 * - a scheduled run due while the previous run of its job is still going, or while a job started
 *   through the API runs, is recorded as skipped, not queued: the next due time catches up;
 * - a scheduled run due while another scheduled job runs waits for it (two are due at the same minute
 *   by default), then runs;
 * - a job asked for through the API while any job runs is not started (the API answers 409).
 */
export class Scheduler implements JobStatusSource {
  private readonly state = new Map<string, JobState>();
  /** The scheduled jobs waiting in line for the writer. */
  private readonly waiting = new Set<string>();
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly jobs: Readonly<Record<string, JobFn>>,
    private readonly onRun: (run: JobRun) => void = () => {},
    private readonly lock: WriterLock = new WriterLock(),
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

  /** Runs a scheduled job now (unless it is running, or a job started through the API runs), records the run and returns it. */
  async run(name: string): Promise<JobRun> {
    const job = this.jobs[name];
    const state = this.state.get(name);
    if (!job || !state) throw new Error(`no job ${name}`);
    const holder = this.lock.holder();
    const busy =
      holder?.trigger === "api"
        ? `finops ${holder.job} is running through the API (since ${holder.since.toISOString()}): one writing job at a time`
        : state.running
          ? "the previous run is still running"
          : this.waiting.has(name)
            ? "the previous run is still waiting for the job before it"
            : null;
    if (busy) {
      const at = new Date();
      const skipped: JobRun = {
        runId: newRunId(),
        job: name,
        trigger: "schedule",
        status: "skipped",
        startedAt: at,
        finishedAt: at,
        error: busy,
      };
      await this.record(skipped);
      this.onRun(skipped);
      return skipped;
    }
    this.waiting.add(name);
    const release = await this.lock.acquire({ job: name, trigger: "schedule", since: new Date() });
    this.waiting.delete(name);
    return this.execute(name, "schedule", release, async () => {
      await job();
      return undefined;
    });
  }

  startApiJob(name: string): ApiJobStart {
    const release = this.lock.tryAcquire({ job: name, trigger: "api", since: new Date() });
    if (!release) {
      const holder = this.lock.holder();
      if (!holder) throw new Error("the writer lock refused a job while free");
      return { busy: holder };
    }
    return {
      run: (body) =>
        this.execute(name, "api", release, async () => {
          const exitCode = await body();
          // The exit code only: a command's arguments and output stay out of job_runs.
          return exitCode === 0 ? undefined : `exit ${exitCode}`;
        }),
    };
  }

  /** Runs body as a run of job `name` holding the writer (released at the end), and records it. */
  private async execute(
    name: string,
    trigger: JobTrigger,
    release: () => void,
    body: RunBody,
  ): Promise<JobRun> {
    const state = this.state.get(name) ?? { running: false };
    this.state.set(name, state);
    const runId = newRunId();
    const startedAt = new Date();
    state.running = true;
    let run: JobRun;
    try {
      await this.connection.run(
        "INSERT INTO job_runs (run_id, job, trigger, started_at, status) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), 'running')",
        [runId, name, trigger, startedAt.toISOString()],
      );
      let error: string | undefined;
      try {
        error = await body();
      } catch (thrown) {
        error = (thrown as Error).message;
      }
      run = {
        runId,
        job: name,
        trigger,
        status: error === undefined ? "ok" : "failed",
        startedAt,
        finishedAt: new Date(),
        ...(error === undefined ? {} : { error }),
      };
      if (run.status === "ok") state.lastSuccess = run.finishedAt;
      state.lastRun = run;
      await this.connection.run(
        "UPDATE job_runs SET finished_at = CAST($2 AS TIMESTAMP), status = $3, error = $4 WHERE run_id = $1",
        [runId, run.finishedAt.toISOString(), run.status, run.error ?? null],
      );
    } finally {
      state.running = false;
      release();
    }
    this.onRun(run);
    return run;
  }

  private async record(run: JobRun): Promise<void> {
    await this.connection.run(
      `INSERT INTO job_runs (run_id, job, trigger, started_at, finished_at, status, error)
       VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($5 AS TIMESTAMP), $6, $7)`,
      [
        run.runId,
        run.job,
        run.trigger,
        run.startedAt.toISOString(),
        run.finishedAt.toISOString(),
        run.status,
        run.error ?? null,
      ],
    );
  }
}

const newRunId = () => `job-${randomUUID().slice(0, 8)}`;
