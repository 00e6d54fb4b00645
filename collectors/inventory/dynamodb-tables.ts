import {
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  ListTablesCommand,
  type ListTablesCommandOutput,
  ListTagsOfResourceCommand,
  type ListTagsOfResourceCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { clientFor } from "../../aws/clients.js";
import { dynamodbTable } from "../../resources/dynamodb-table.js";
import { allPages, errorName, mapLimit, onePage } from "./calls.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** How many tables are described at once. */
const TABLE_CONCURRENCY = 8;

/**
 * DynamoDB tables of a region: billing mode, the table's own provisioned capacity (its global secondary
 * indexes' capacity is not counted: their CloudWatch metrics carry another dimension), size and tags.
 */
export const dynamodbTables: InventoryCollector = {
  name: "inventory:dynamodb-tables",
  resource: dynamodbTable,
  scope: "regional",
  iamActions: ["dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"],
  async collect(scope) {
    const client = clientFor(DynamoDBClient, scope);
    const at = (operation: string, part?: string) => ({
      account: scope.account,
      region: scope.region,
      service: "dynamodb",
      operation,
      ...(part === undefined ? {} : { part }),
    });
    try {
      const listed = await allPages<ListTablesCommandOutput>(scope, at("ListTables"), async (token) => {
        const page = await client.send(new ListTablesCommand({ Limit: 100, ExclusiveStartTableName: token }));
        return { page, next: page.LastEvaluatedTableName };
      });
      const names = listed.flatMap((page) => page.TableNames ?? []);
      const records = await mapLimit(names, TABLE_CONCURRENCY, async (name) => {
        let described: DescribeTableCommandOutput | undefined;
        try {
          described = await onePage<DescribeTableCommandOutput>(
            scope,
            at("DescribeTable", name),
            async () => ({
              page: await client.send(new DescribeTableCommand({ TableName: name })),
            }),
          );
        } catch (error) {
          // Deleted between ListTables and now: no longer part of the inventory.
          if (errorName(error) === "ResourceNotFoundException") return null;
          throw error;
        }
        const table = described?.Table;
        if (!table?.TableArn) return null;
        const arn = table.TableArn;
        let tagPages: ListTagsOfResourceCommandOutput[];
        try {
          tagPages = await allPages<ListTagsOfResourceCommandOutput>(
            scope,
            at("ListTagsOfResource", name),
            async (token) => {
              const page = await client.send(
                new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: token }),
              );
              return { page, next: page.NextToken };
            },
          );
        } catch (error) {
          // Deleted since it was described: no longer part of the inventory.
          if (errorName(error) === "ResourceNotFoundException") return null;
          throw error;
        }
        const record: ResourceRecord = {
          resourceId: arn,
          resourceType: dynamodbTable.type,
          account: scope.account,
          region: scope.region,
          state: table.TableStatus ?? null,
          stateSince: null,
          createdAt: iso(table.CreationDateTime),
          tags: tagObject(tagPages.flatMap((page) => page.Tags ?? [])),
          attributes: {
            name,
            // Tables created before on-demand existed report no BillingModeSummary: provisioned.
            billingMode: table.BillingModeSummary?.BillingMode ?? "PROVISIONED",
            readCapacityUnits: table.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
            writeCapacityUnits: table.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
            tableSizeBytes: table.TableSizeBytes ?? 0,
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
