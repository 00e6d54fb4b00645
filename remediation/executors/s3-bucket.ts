import {
  DeleteBucketTaggingCommand,
  GetBucketLifecycleConfigurationCommand,
  type GetBucketLifecycleConfigurationCommandOutput,
  GetBucketTaggingCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  S3Client,
  type Tag,
} from "@aws-sdk/client-s3";
import { awsErrorCode } from "../../aws/errors.js";
import { s3Bucket as descriptor } from "../../resources/s3-bucket.js";
import type { Executor, ExecutorScope, Observed, PlanTarget, Step } from "../executor.js";

const s3 = (scope: ExecutorScope) => scope.client(S3Client);

/** The lifecycle rule add-lifecycle-rule adds: abandoned multipart uploads are aborted (their parts deleted). */
export const ABORT_RULE_ID = "finops-abort-incomplete-multipart";
export const ABORT_AFTER_DAYS = 7;

/** The bucket's tag set, every tag (PutBucketTagging replaces the whole set); none: empty. */
async function bucketTags(scope: ExecutorScope, bucket: string): Promise<Tag[]> {
  try {
    return (await s3(scope).send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchTagSet") return [];
    throw error;
  }
}

/** The bucket's lifecycle configuration as S3 returns it; none: no rules. */
async function lifecycle(
  scope: ExecutorScope,
  bucket: string,
): Promise<GetBucketLifecycleConfigurationCommandOutput> {
  try {
    return await s3(scope).send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
  } catch (error) {
    if (awsErrorCode(error) === "NoSuchLifecycleConfiguration") return { $metadata: {}, Rules: [] };
    throw error;
  }
}

/**
 * The state a bucket is observed in: its lifecycle rules' ids, so that a rule added or removed since the
 * plan skips the item (the owner is changing it: finops stays out of the way).
 */
export function lifecycleState(rules: readonly LifecycleRule[] | undefined): string {
  const ids = (rules ?? []).map((r) => r.ID ?? "(no id)").sort();
  return ids.length ? `lifecycle rules: ${ids.join(", ")}` : "no lifecycle rules";
}

const hasAbortRule = (rules: readonly LifecycleRule[] | undefined) =>
  (rules ?? []).some((r) => r.ID === ABORT_RULE_ID);

/** Sets or removes one tag, keeping every other: S3 replaces a bucket's whole tag set at once. */
async function retag(
  scope: ExecutorScope,
  target: PlanTarget,
  step: Step,
  value: string | null,
): Promise<void> {
  const others = (await bucketTags(scope, target.resourceId)).filter((t) => t.Key !== target.markTag);
  const TagSet = value === null ? others : [...others, { Key: target.markTag, Value: value }];
  // An empty set is no tagging at all: PutBucketTagging wants at least one tag.
  await step(value === null ? "untag-bucket" : "tag-bucket", () =>
    TagSet.length
      ? s3(scope).send(new PutBucketTaggingCommand({ Bucket: target.resourceId, Tagging: { TagSet } }))
      : s3(scope).send(new DeleteBucketTaggingCommand({ Bucket: target.resourceId })),
  );
}

/** S3 buckets: add the lifecycle rule that aborts incomplete multipart uploads, and the grace-period mark. */
export const s3Bucket: Executor = {
  resourceType: descriptor.type,
  readActions: ["s3:GetBucketTagging", "s3:GetLifecycleConfiguration"],
  actions: {
    "add-lifecycle-rule": ["s3:PutLifecycleConfiguration"],
    // DeleteBucketTagging (the last tag removed) is authorised by s3:PutBucketTagging.
    mark: ["s3:PutBucketTagging"],
    unmark: ["s3:PutBucketTagging"],
    tag: ["s3:PutBucketTagging"],
  },
  // finops never deletes a bucket: not among its actions, so no rule's delete reaches one.
  removeAction: "delete",

  async describe(scope, target): Promise<Observed | null> {
    try {
      const tags = await bucketTags(scope, target.resourceId);
      const { Rules } = await lifecycle(scope, target.resourceId);
      return {
        state: lifecycleState(Rules),
        attachments: [],
        tags: Object.fromEntries(tags.filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? ""])),
      };
    } catch (error) {
      if (awsErrorCode(error) === "NoSuchBucket") return null;
      throw error;
    }
  },

  ineligible() {
    return null;
  },

  // S3 has no DryRun: describe (which plan just called) is the only check before acting.
  async dryRun() {
    return null;
  },

  async act(scope, target, _observed, step) {
    if (target.action === "mark" || target.action === "tag") {
      await retag(scope, target, step, target.markValue ?? "");
      return `tagged ${target.markTag}=${target.markValue}`;
    }
    if (target.action === "unmark") {
      await retag(scope, target, step, null);
      return `removed ${target.markTag}`;
    }
    // Read now, not from a journal: a resumed run must not write back rules it recorded before.
    const current = await lifecycle(scope, target.resourceId);
    if (hasAbortRule(current.Rules)) return `the lifecycle rule ${ABORT_RULE_ID} is there already`;
    const rule: LifecycleRule = {
      ID: ABORT_RULE_ID,
      Status: "Enabled",
      Filter: { Prefix: "" },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_AFTER_DAYS },
    };
    await step("put-bucket-lifecycle", () =>
      s3(scope).send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: target.resourceId,
          LifecycleConfiguration: { Rules: [...(current.Rules ?? []), rule] },
          ...(current.TransitionDefaultMinimumObjectSize
            ? { TransitionDefaultMinimumObjectSize: current.TransitionDefaultMinimumObjectSize }
            : {}),
        }),
      ),
    );
    return `lifecycle rule ${ABORT_RULE_ID} added (abort incomplete uploads after ${ABORT_AFTER_DAYS} days), ${current.Rules?.length ?? 0} existing rule(s) kept`;
  },

  done(target, observed) {
    if (target.action === "mark" || target.action === "tag")
      return observed !== null && observed.tags[target.markTag] === target.markValue;
    if (target.action === "unmark") return observed === null || observed.tags[target.markTag] === undefined;
    return observed !== null && (observed.state ?? "").split(/[:,] /).includes(ABORT_RULE_ID);
  },
};
