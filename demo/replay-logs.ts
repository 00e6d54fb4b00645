/**
 * The demo estate's CloudWatch Logs pages: DescribeLogGroups of one account and region (limit 50,
 * nextToken), by name as AWS lists them, and each group's ListTagsForResource (part: its name).
 * storedBytes is what the bill stores on the anchor's day.
 */
import { type Estate, type LogGroup, logStoredGb } from "./estate.js";
import { compare, type PageWriter, paginate, type ScopeOf } from "./replay-pages.js";

/** Bytes a GB of the bill holds (the demo's convention for every byte-valued metric and attribute). */
export const GIB = 1024 ** 3;

export async function writeLogsPages(
  writer: PageWriter,
  scope: ScopeOf,
  estate: Estate,
  groups: LogGroup[],
  size: (apiMaximum: number) => number,
): Promise<void> {
  const sorted = [...groups].sort((a, b) => compare(a.name, b.name));
  await writer.page(
    scope("logs", "DescribeLogGroups"),
    paginate(
      sorted.map((g) => logGroupJson(g, estate.days)),
      size(50),
      (logGroups, nextToken) => ({ logGroups, ...(nextToken ? { nextToken } : {}) }),
    ),
  );
  for (const g of sorted) {
    await writer.page(scope("logs", "ListTagsForResource", g.name), [{ tags: { ...g.tags } }]);
  }
}

function logGroupJson(g: LogGroup, anchorIndex: number): object {
  return {
    logGroupName: g.name,
    creationTime: Date.parse(g.createdAt),
    ...(g.retentionDays === null ? {} : { retentionInDays: g.retentionDays }),
    metricFilterCount: 0,
    arn: `${g.arn}:*`,
    storedBytes: Math.round(logStoredGb(g, anchorIndex) * GIB),
    logGroupClass: "STANDARD",
    logGroupArn: g.arn,
  };
}
