import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  type DescribeLogGroupsCommandOutput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import { clientFor } from "../../aws/clients.js";
import { canonicalArn } from "../../resources/arn.js";
import { logGroup } from "../../resources/log-group.js";
import { allPages, errorName, mapLimit, onePage } from "./calls.js";
import { type InventoryCollector, iso, type ResourceRecord } from "./resource.js";

/** How many log groups' tags are asked at once. */
const TAG_CONCURRENCY = 8;

/**
 * CloudWatch Logs log groups of a region: retention (none: the logs never expire), stored bytes and
 * tags. Ids are the group's ARN without the ":*" that DescribeLogGroups' `arn` ends with.
 */
export const logGroups: InventoryCollector = {
  name: "inventory:log-groups",
  resource: logGroup,
  scope: "regional",
  iamActions: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
  async collect(scope) {
    const client = clientFor(CloudWatchLogsClient, scope);
    const at = (operation: string, part?: string) => ({
      account: scope.account,
      region: scope.region,
      service: "logs",
      operation,
      ...(part === undefined ? {} : { part }),
    });
    try {
      const pages = await allPages<DescribeLogGroupsCommandOutput>(
        scope,
        at("DescribeLogGroups"),
        async (token) => {
          const page = await client.send(new DescribeLogGroupsCommand({ limit: 50, nextToken: token }));
          return { page, next: page.nextToken };
        },
      );
      const groups = pages.flatMap((page) => page.logGroups ?? []).filter((g) => g.logGroupName);
      const records = await mapLimit(groups, TAG_CONCURRENCY, async (group) => {
        const name = group.logGroupName as string;
        const arn = canonicalArn(
          group.logGroupArn ?? group.arn ?? `arn:aws:logs:${scope.region}:${scope.account}:log-group:${name}`,
        );
        let tagged: ListTagsForResourceCommandOutput | undefined;
        try {
          tagged = await onePage<ListTagsForResourceCommandOutput>(
            scope,
            at("ListTagsForResource", name),
            async () => ({ page: await client.send(new ListTagsForResourceCommand({ resourceArn: arn })) }),
          );
        } catch (error) {
          // Deleted since it was listed: no longer part of the inventory.
          if (errorName(error) === "ResourceNotFoundException") return null;
          throw error;
        }
        const record: ResourceRecord = {
          resourceId: arn,
          resourceType: logGroup.type,
          account: scope.account,
          region: scope.region,
          state: null,
          stateSince: null,
          createdAt: iso(group.creationTime === undefined ? undefined : new Date(group.creationTime)),
          tags: { ...(tagged?.tags ?? {}) },
          attributes: {
            name,
            retentionDays: group.retentionInDays ?? null,
            storedBytes: group.storedBytes ?? 0,
          },
        };
        return record;
      });
      return records.filter((record): record is ResourceRecord => record !== null);
    } finally {
      client.destroy();
    }
  },
};
