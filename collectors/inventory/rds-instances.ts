import {
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandOutput,
  RDSClient,
} from "@aws-sdk/client-rds";
import { clientFor } from "../../aws/clients.js";
import { arnOf } from "../../resources/arn.js";
import { rdsDb } from "../../resources/rds-db.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/**
 * RDS database instances (Aurora's included: each instance of a cluster bills its own hours), with their
 * tags from DescribeDBInstances' TagList: no second call per instance.
 */
export const rdsInstances: InventoryCollector = {
  name: "inventory:rds-instances",
  resource: rdsDb,
  scope: "regional",
  iamActions: ["rds:DescribeDBInstances"],
  async collect(scope) {
    const client = clientFor(RDSClient, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeDBInstancesCommandOutput>(
        { account: scope.account, region: scope.region, service: "rds", operation: "DescribeDBInstances" },
        async (token) => {
          const page = await client.send(new DescribeDBInstancesCommand({ MaxRecords: 100, Marker: token }));
          return { page, next: page.Marker };
        },
      );
      for await (const page of pages) {
        for (const db of page.DBInstances ?? []) {
          if (!db.DBInstanceIdentifier) continue;
          records.push({
            // The ARN AWS gives (its partition), else the one billing would name it by.
            resourceId:
              db.DBInstanceArn ??
              arnOf(rdsDb, { region: scope.region, account: scope.account, id: db.DBInstanceIdentifier }),
            resourceType: rdsDb.type,
            account: scope.account,
            region: scope.region,
            state: db.DBInstanceStatus ?? null,
            stateSince: null,
            createdAt: iso(db.InstanceCreateTime),
            tags: tagObject(db.TagList),
            attributes: {
              name: db.DBInstanceIdentifier,
              instanceClass: db.DBInstanceClass ?? null,
              engine: db.Engine ?? null,
              engineVersion: db.EngineVersion ?? null,
              storageType: db.StorageType ?? null,
              allocatedStorageGiB: db.AllocatedStorage ?? null,
              multiAz: db.MultiAZ ?? null,
            },
          });
        }
      }
    } finally {
      client.destroy();
    }
    return records;
  },
};
