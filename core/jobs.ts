/**
 * The jobs of `finops serve`: what a run and a job's state look like, for the scheduler (cli/scheduler.ts)
 * that runs and records them and for the web server that reports them (/healthz, /metrics) and starts
 * jobs through the API (POST /api/jobs), without depending on the scheduler.
 */

/** What started a run: a schedule of rules.yaml, or `finops --server` through POST /api/jobs. */
export type JobTrigger = "schedule" | "api";

export interface JobRun {
  runId: string;
  job: string;
  trigger: JobTrigger;
  status: "ok" | "failed" | "skipped";
  startedAt: Date;
  finishedAt: Date;
  error?: string;
}

export interface JobState {
  running: boolean;
  lastRun?: JobRun;
  lastSuccess?: Date;
}

/** The job that holds the one writer: its name (a command's, for the API's), what started it, since when. */
export interface WritingJob {
  job: string;
  trigger: JobTrigger;
  since: Date;
}

/**
 * A job started through the API: either the writer is taken and `run` runs it (recorded like a scheduled
 * run; `body` resolves to the command's exit code, 0 is ok), or a writing job runs and it is `busy`.
 */
export type ApiJobStart = { run: (body: () => Promise<number>) => Promise<JobRun> } | { busy: WritingJob };

/** Whatever runs the process's jobs: the scheduler. */
export interface JobStatusSource {
  /** Each job's state, scheduled or started through the API. */
  status(): ReadonlyMap<string, JobState>;
  /** Takes the one writer for the command `name` started through the API, now or not at all. */
  startApiJob(name: string): ApiJobStart;
}

/**
 * One writing job at a time in the process, whichever started it: DuckDB has one writer, and two jobs
 * writing the same rows at once would have one fail on a conflict halfway. The scheduler and the API
 * share one lock. `tryAcquire` takes it now or not at all (the API answers 409); `acquire` waits in line
 * (a scheduled job due at the same minute as another: report and notify by default).
 */
export class WriterLock {
  private current: WritingJob | null = null;
  private readonly waiting: { job: WritingJob; grant: (release: () => void) => void }[] = [];

  /** The job that writes now, if any. */
  holder(): WritingJob | null {
    return this.current;
  }

  /** Takes the writer for `job` if it is free (and nobody waits for it): its release, else null. */
  tryAcquire(job: WritingJob): (() => void) | null {
    if (this.current) return null;
    this.current = job;
    return this.releaser(job);
  }

  /** Takes the writer for `job` when every job before it in line has released it. */
  acquire(job: WritingJob): Promise<() => void> {
    const now = this.tryAcquire(job);
    if (now) return Promise.resolve(now);
    return new Promise((grant) => this.waiting.push({ job, grant }));
  }

  /** Releasing hands the writer straight to the next in line: it is never free while a job waits. */
  private releaser(job: WritingJob): () => void {
    let released = false;
    return () => {
      if (released || this.current !== job) return;
      released = true;
      const next = this.waiting.shift();
      this.current = next ? { ...next.job, since: new Date() } : null;
      if (next && this.current) next.grant(this.releaser(this.current));
    };
  }
}
