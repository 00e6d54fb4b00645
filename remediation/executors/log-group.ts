import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { awsErrorCode } from "../../aws/errors.js";
import { arnName } from "../../resources/arn.js";
import { logGroup as descriptor } from "../../resources/log-group.js";
import type { Executor, ExecutorScope, Observed, PlanTarget } from "../executor.js";

const logs = (scope: ExecutorScope) => scope.client(CloudWatchLogsClient);

/** The state a group is observed in: its retention, so that one set since the plan skips the item. */
export function retentionState(days: number | null | undefined): string {
  return days ? `retention ${days} days` : "never expires";
}

/** The log group as described now (DescribeLogGroups by its name as prefix, then its tags), or null. */
async function describeGroup(scope: ExecutorScope, target: PlanTarget): Promise<Observed | null> {
  const name = arnName(descriptor, target.resourceId);
  let token: string | undefined;
  do {
    const page = await logs(scope).send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50, nextToken: token }),
    );
    const group = page.logGroups?.find((g) => g.logGroupName === name);
    if (group) {
      let tags: Record<string, string> = {};
      try {
        tags =
          (await logs(scope).send(new ListTagsForResourceCommand({ resourceArn: target.resourceId }))).tags ??
          {};
      } catch (error) {
        if (awsErrorCode(error) === "ResourceNotFoundException") return null;
        throw error;
      }
      return { state: retentionState(group.retentionInDays), attachments: [], tags: { ...tags } };
    }
    token = page.nextToken;
  } while (token);
  return null;
}

/** CloudWatch Logs log groups: set a retention (logs older than it are deleted by AWS), and the grace-period mark. */
export const logGroup: Executor = {
  resourceType: descriptor.type,
  readActions: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
  actions: {
    "set-retention": ["logs:PutRetentionPolicy"],
    mark: ["logs:TagResource"],
    unmark: ["logs:UntagResource"],
    tag: ["logs:TagResource"],
  },
  // finops never deletes a log group: not among its actions, so no rule's delete reaches one.
  removeAction: "delete",

  describe: describeGroup,

  ineligible(target, observed) {
    if (target.action !== "set-retention") return null;
    if (target.retentionDays === undefined) return "the plan item names no retentionDays to set";
    if (observed.state !== retentionState(null)) return `it has a retention already (${observed.state})`;
    return null;
  },

  // CloudWatch Logs has no DryRun: describe (which plan just called) is the only check before acting.
  async dryRun() {
    return null;
  },

  async act(scope, target, _observed, step) {
    const resourceArn = target.resourceId;
    if (target.action === "mark" || target.action === "tag") {
      await step("tag-resource", () =>
        logs(scope).send(
          new TagResourceCommand({ resourceArn, tags: { [target.markTag]: target.markValue ?? "" } }),
        ),
      );
      return `tagged ${target.markTag}=${target.markValue}`;
    }
    if (target.action === "unmark") {
      await step("untag-resource", () =>
        logs(scope).send(new UntagResourceCommand({ resourceArn, tagKeys: [target.markTag] })),
      );
      return `removed ${target.markTag}`;
    }
    const days = target.retentionDays as number;
    await step("put-retention-policy", () =>
      logs(scope).send(
        new PutRetentionPolicyCommand({
          logGroupName: arnName(descriptor, resourceArn),
          retentionInDays: days,
        }),
      ),
    );
    return `retention set to ${days} days`;
  },

  done(target, observed) {
    if (target.action === "mark" || target.action === "tag")
      return observed !== null && observed.tags[target.markTag] === target.markValue;
    if (target.action === "unmark") return observed === null || observed.tags[target.markTag] === undefined;
    return observed !== null && observed.state === retentionState(target.retentionDays);
  },
};
