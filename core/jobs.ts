/**
 * What a scheduled job's run and state look like, for the scheduler (cli/scheduler.ts) that runs jobs
 * and for the web server that reports them (/healthz, /metrics) without depending on the scheduler.
 */
export interface JobRun {
  runId: string;
  job: string;
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

/** Whatever can tell each job's state: the scheduler. */
export interface JobStatusSource {
  status(): ReadonlyMap<string, JobState>;
}
