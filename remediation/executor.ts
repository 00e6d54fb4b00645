import type { AwsClient, ClientClass } from "../aws/clients.js";
import { awsErrorCode } from "../aws/errors.js";
import type { Action } from "../config/sections.js";

/** What an executor acts with: the plan's action, or the grace-period tagging around it. */
export type StepAction = Exclude<Action, "notify"> | "mark" | "unmark";

/** A resource as described live: what preconditions compare. */
export interface Observed {
  state: string | null;
  /** What the resource is attached to, or what is attached to it (instance ids, volume ids), sorted. */
  attachments: string[];
  tags: Record<string, string>;
}

/** One item of a plan, as the executors see it. */
export interface PlanTarget {
  planId: string;
  item: number;
  account: string;
  region: string;
  resourceId: string;
  resourceType: string;
  action: StepAction;
  rule: string;
  /** For mark: the tag value to set (rule:action@date); for unmark: the tag to remove. */
  markTag: string;
  markValue: string | null;
  /** For set-retention: the days of retention to set (the rule's retentionDays). */
  retentionDays?: number;
}

/**
 * The AWS access of one account and region, shared by the items there: `scope.client(EC2Client)` (or
 * RDSClient, ...) is that service's client with the account's credentials, made once and reused.
 */
export interface ExecutorScope {
  account: string;
  region: string;
  client<C extends AwsClient>(Client: ClientClass<C>): C;
  /**
   * Why a resource with these tags is spared from the rule's action now (protected, exempted, a finops
   * backup still retained), or null: for what an action touches besides its resource (an image's snapshots).
   */
  spared(rule: string, tags: Record<string, string>): string | null;
}

/** What a backup taken by apply (snapshot-and-delete's snapshot) carries and keeps out. */
export interface BackupPolicy {
  /** The end of its retention, ISO 8601 UTC: its finops:retain-until tag. */
  retainUntil: string;
  /** The volume's tags it does not inherit (the lifecycle tags, matched ignoring case). */
  dropTags: readonly string[];
}

/** What an apply run knows beside the plan item. */
export interface ActContext {
  backup: BackupPolicy;
  /**
   * Everything apply checked before acting, asked again now (approval, protection, exemption, changes
   * since the plan, eligibility): for an action that waits (a backup completing, for hours) before its
   * irreversible call. Why not to go on, or null.
   */
  recheck(): Promise<string | null>;
}

/**
 * Runs one AWS call between two journal rows (started, then done or failed). On a resumed run, `step`
 * returns the result recorded by the run that completed it, without calling again.
 */
export type Step = <T extends object | undefined>(
  name: string,
  call: () => Promise<T>,
  options?: { resumeWith?: () => Promise<T | null> },
) => Promise<T>;

/**
 * Everything finops can do to one resource type. Adding a type is adding one file that implements
 * this and a line in executors/index.ts.
 */
export interface Executor {
  resourceType: string;
  /** The IAM read actions describe and the snapshot wait call (for `iam-policy`). */
  readActions: readonly string[];
  /** The actions it supports, and the IAM write actions each one calls (for `iam-policy`). */
  actions: Partial<Record<StepAction, readonly string[]>>;
  /** How this type is removed when a rule asks to remove it (the expired rule's terminate). */
  removeAction: StepAction;
  /** The resource now, or null when it no longer exists. */
  describe(scope: ExecutorScope, target: PlanTarget): Promise<Observed | null>;
  /** Why the action cannot apply to the resource as observed (null: it can). */
  ineligible(target: PlanTarget, observed: Observed): string | null;
  /** EC2's DryRun permission check: null when allowed, else AWS's reason. */
  dryRun(scope: ExecutorScope, target: PlanTarget): Promise<string | null>;
  /** Performs the action, each AWS call inside `step`; returns a one-line detail. */
  act(
    scope: ExecutorScope,
    target: PlanTarget,
    observed: Observed,
    step: Step,
    context: ActContext,
  ): Promise<string>;
  /** Whether the action's effect is already there (a resumed run's check before acting again). */
  done(target: PlanTarget, observed: Observed | null): boolean;
  /**
   * Whether the resource as observed is what an earlier run of this item left between two of its steps
   * (an image deregistered, its snapshots not yet deleted), given the steps that run journaled (by name):
   * the re-run then carries on through `step` instead of finding it changed since the plan, as long as
   * what is left is part of what was planned. Absent: only a resource as planned is acted on.
   */
  resumable?(target: PlanTarget, observed: Observed, journaled: ReadonlySet<string>): boolean;
}

/** How preconditions differ from what is observed now, or null when they match. */
export function changedSince(planned: Observed, now: Observed): string | null {
  if (planned.state !== now.state) return `state changed: ${planned.state} → ${now.state}`;
  if (planned.attachments.join(",") !== now.attachments.join(",")) {
    return `attachments changed: [${planned.attachments.join(", ")}] → [${now.attachments.join(", ")}]`;
  }
  const keys = new Set([...Object.keys(planned.tags), ...Object.keys(now.tags)]);
  for (const key of [...keys].sort()) {
    if (planned.tags[key] !== now.tags[key]) {
      return `tag ${key} changed: ${planned.tags[key] ?? "(none)"} → ${now.tags[key] ?? "(none)"}`;
    }
  }
  return null;
}

/** Runs an EC2 call with DryRun: DryRunOperation means it would have been allowed. */
export async function ec2DryRun(call: () => Promise<unknown>): Promise<string | null> {
  try {
    await call();
    return "the DryRun call succeeded without the DryRunOperation answer";
  } catch (error) {
    if (awsErrorCode(error) === "DryRunOperation") return null;
    return `${awsErrorCode(error)}: ${(error as Error).message}`;
  }
}
