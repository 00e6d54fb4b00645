/**
 * The demo estate's DynamoDB pages for one account and region: ListTables (Limit 100; the next page
 * starts after LastEvaluatedTableName), DescribeTable and ListTagsOfResource (NextToken) of each table
 * (part: its name). A provisioned table made before on-demand existed has no BillingModeSummary, as
 * AWS answers it.
 */
import type { DynamoTable } from "./estate.js";
import {
  chunks,
  compare,
  hexOf,
  isoOf,
  type PageWriter,
  paginate,
  type ScopeOf,
  tagList,
} from "./replay-pages.js";

export async function writeDynamoDbPages(
  writer: PageWriter,
  scope: ScopeOf,
  tables: DynamoTable[],
  size: (apiMaximum: number) => number,
): Promise<void> {
  const sorted = [...tables].sort((a, b) => compare(a.name, b.name));
  const pages = chunks(
    sorted.map((t) => t.name),
    size(100),
  );
  await writer.page(
    scope("dynamodb", "ListTables"),
    pages.map((TableNames, i) => ({
      TableNames,
      ...(i < pages.length - 1 ? { LastEvaluatedTableName: TableNames.at(-1) } : {}),
    })),
  );
  for (const table of sorted) {
    await writer.page(scope("dynamodb", "DescribeTable", table.name), [{ Table: tableJson(table) }]);
    await writer.page(
      scope("dynamodb", "ListTagsOfResource", table.name),
      paginate(tagList(table.tags), size(50), (Tags, NextToken) => ({
        Tags,
        ...(NextToken ? { NextToken } : {}),
      })),
    );
  }
}

function tableJson(t: DynamoTable): object {
  const onDemand = t.billingMode === "PAY_PER_REQUEST";
  // Older provisioned tables never had a billing mode set: no summary at all.
  const summary = onDemand || Number.parseInt(hexOf(`${t.arn}|summary`, 2), 16) % 2 === 0;
  return {
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    TableName: t.name,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    TableStatus: "ACTIVE",
    CreationDateTime: isoOf(t.createdAt),
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: t.readCapacityUnits,
      WriteCapacityUnits: t.writeCapacityUnits,
    },
    TableSizeBytes: Math.round(t.sizeGb * 1024 ** 3),
    ItemCount: t.itemCount,
    TableArn: t.arn,
    TableId: uuidOf(t.arn),
    ...(summary
      ? {
          BillingModeSummary: {
            BillingMode: t.billingMode,
            ...(onDemand ? { LastUpdateToPayPerRequestDateTime: isoOf(t.createdAt) } : {}),
          },
        }
      : {}),
    DeletionProtectionEnabled: false,
  };
}

function uuidOf(key: string): string {
  const h = hexOf(`${key}|uuid`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}
