/**
 * The rules benchmark's report: the shape of each size's results, and what is computed across sizes,
 * the growth of each mode's times with the store's size and the targets.
 */
import { round } from "./figures.js";
import type { Generation } from "./rules-store.js";

export const TARGET_SECONDS = 2;
export const TARGET_RESOURCES = 1_000_000;

export interface AnalyzeRun {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  /** Findings the run stored (analysis_runs.findings); null when the run did not get that far. */
  findings: number | null;
  /** Evaluate runs: the rules' matches, before the exemptions and the join to inventory drop any. */
  matches?: number;
  /** Engine runs: analyze() alone, as the child timed it. */
  analyzeSeconds?: number;
  /** Evaluate runs: the rules' query alone, as the child timed it (the issue's target). */
  evaluateSeconds?: number;
  /** CLI runs: its exit code and, when not 0, the first line of its error. */
  exitCode?: number | null;
  error?: string;
}

export interface Mode {
  command: string;
  runs: AnalyzeRun[];
}

export interface SizeResult {
  resources: number;
  generation: Generation;
  analyze: {
    evaluate: Mode;
    engine: Mode;
    cli: Mode;
    /** Open findings by rule after the engine's two runs. */
    findingsByRule: Record<string, number>;
    /** Rows of the findings table after the second run beyond the first run's: 0 when it only updated. */
    newFindingsOnSecondRun: number;
    resolvedOnSecondRun: number;
  };
  breakdown: {
    note: string;
    rules: { rule: string; seconds: number; matches: number }[];
    rulesTotalSeconds: number;
    /** Every rule in one query, its matches stored, as analyze() evaluates them. */
    rulesTogetherSeconds: number;
    resourcesCurrentSeconds: number;
    costCteSeconds: number;
    queryFindingsSeconds: number;
  };
}

export interface Target {
  target: string;
  resources: number | null;
  value: number | null;
  pass: boolean;
}

export type ModeName = "evaluate" | "engine" | "cli";

/** The seconds a child timed itself, without its process start and store opening: none for the CLI. */
const INNER: Record<ModeName, ((run: AnalyzeRun) => number | undefined) | null> = {
  evaluate: (run) => run.evaluateSeconds,
  engine: (run) => run.analyzeSeconds,
  cli: null,
};

/**
 * Each run's wall time at the largest size over that at the smallest, beside the size ratio (and the same
 * for the seconds the child timed itself); null for a run that failed at either size.
 */
export function growth(sizes: SizeResult[], mode: ModeName) {
  const small = sizes[0];
  const large = sizes.at(-1);
  if (!small || !large || small === large) return null;
  const inner = INNER[mode];
  return {
    from: small.resources,
    to: large.resources,
    sizeRatio: round(large.resources / small.resources, 3),
    runs: large.analyze[mode].runs.map((run, index) => {
      const base = small.analyze[mode].runs[index];
      if (!base || !completed(base) || !completed(run)) return null;
      return round(run.wallSeconds / base.wallSeconds, 3);
    }),
    ...(inner
      ? {
          innerRuns: large.analyze[mode].runs.map((run, index) => {
            const base = small.analyze[mode].runs[index];
            const [to, from] = [inner(run), base && inner(base)];
            return to !== undefined && from ? round(to / from, 3) : null;
          }),
        }
      : {}),
  };
}

export const completed = (run: AnalyzeRun) => run.exitCode === undefined || run.exitCode === 0;

/**
 * The targets: every rule evaluated over 1M resources (else the largest size run) in under 2 s,
 * each evaluate run as its child timed it; and time growing no faster than the store, time(largest) /
 * time(smallest) <= largest / smallest, for each run of each mode. Besides: `finops analyze --json` exits
 * 0 at every size. The engine's and CLI's own times (the merge into the findings history, and the JSON
 * output, on top of the rules) are reported in sizes[].analyze and growth, beside these.
 */
export function targets(sizes: SizeResult[]): Target[] {
  const list: Target[] = sizes.map((size) => {
    const failed = size.analyze.cli.runs.filter((run) => !completed(run)).length;
    return {
      target: "finops analyze --json exits 0 (runs failed)",
      resources: size.resources,
      value: failed,
      pass: failed === 0,
    };
  });
  const timed =
    sizes.find((size) => size.resources === TARGET_RESOURCES) ??
    [...sizes].sort((a, b) => b.resources - a.resources)[0];
  timed?.analyze.evaluate.runs.forEach((run, index) => {
    list.push({
      target: `every rule evaluated (a fresh process; evaluateSeconds) < ${TARGET_SECONDS} s (run ${index + 1})`,
      resources: timed.resources,
      value: run.evaluateSeconds ?? null,
      pass: run.evaluateSeconds !== undefined && run.evaluateSeconds < TARGET_SECONDS,
    });
  });
  for (const mode of ["evaluate", "engine", "cli"] as const) {
    const g = growth(sizes, mode);
    g?.runs.forEach((ratio, index) => {
      list.push({
        target: `${mode} linear growth: time(${g.to})/time(${g.from}) <= ${g.sizeRatio} (run ${index + 1})`,
        resources: g.to,
        value: ratio,
        pass: ratio !== null && ratio <= g.sizeRatio,
      });
    });
  }
  return list;
}
