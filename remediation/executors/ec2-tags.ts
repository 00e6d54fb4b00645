import { CreateTagsCommand, DeleteTagsCommand, EC2Client, type Tag } from "@aws-sdk/client-ec2";
import type { ExecutorScope, Observed, PlanTarget, Step } from "../executor.js";

/** The scope's EC2 client (made once per account and region, with the account's credentials). */
export function ec2(scope: ExecutorScope): EC2Client {
  return scope.client(EC2Client);
}

/** The IAM actions of marking and unmarking an EC2 resource. */
export const TAG_IAM_ACTIONS = {
  mark: ["ec2:CreateTags"],
  unmark: ["ec2:DeleteTags"],
  tag: ["ec2:CreateTags"],
};

/** Sets or removes the grace-period mark on any EC2 resource (instance, volume, snapshot, address). */
export async function actOnTags(
  scope: ExecutorScope,
  target: PlanTarget,
  step: Step,
): Promise<string | null> {
  if (target.action === "mark" || target.action === "tag") {
    const tag: Tag = { Key: target.markTag, Value: target.markValue ?? "" };
    await step("create-tags", () =>
      ec2(scope).send(new CreateTagsCommand({ Resources: [target.resourceId], Tags: [tag] })),
    );
    return `tagged ${target.markTag}=${target.markValue}`;
  }
  if (target.action === "unmark") {
    await step("delete-tags", () =>
      ec2(scope).send(
        new DeleteTagsCommand({ Resources: [target.resourceId], Tags: [{ Key: target.markTag }] }),
      ),
    );
    return `removed ${target.markTag}`;
  }
  return null;
}

/** Whether a tag action's effect is there; undefined for other actions. */
export function tagsDone(target: PlanTarget, observed: Observed | null): boolean | undefined {
  if (target.action === "mark" || target.action === "tag") {
    return observed !== null && observed.tags[target.markTag] === target.markValue;
  }
  if (target.action === "unmark") return observed === null || observed.tags[target.markTag] === undefined;
  return undefined;
}

/** Sends EC2's DryRun of a tag action; undefined for other actions. */
export function tagDryRun(scope: ExecutorScope, target: PlanTarget): Promise<unknown> | undefined {
  if (target.action === "mark" || target.action === "tag") {
    return ec2(scope).send(
      new CreateTagsCommand({
        DryRun: true,
        Resources: [target.resourceId],
        Tags: [{ Key: target.markTag, Value: target.markValue ?? "" }],
      }),
    );
  }
  if (target.action === "unmark") {
    return ec2(scope).send(
      new DeleteTagsCommand({
        DryRun: true,
        Resources: [target.resourceId],
        Tags: [{ Key: target.markTag }],
      }),
    );
  }
  return undefined;
}

/** EC2 tags as an object, without AWS's own (aws:*), which nobody can set. */
export function ec2Tags(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key && !t.Key.startsWith("aws:")) out[t.Key] = t.Value ?? "";
  return out;
}
