/**
 * The demo estate's RDS pages: DescribeDBInstances of one account and region (MaxRecords 100, Marker),
 * as the rds-instances collector asks it. Every database of the estate is "available" while it exists.
 */
import type { DbInstance } from "./estate.js";
import { hexOf, isoOf, type PageWriter, paginate, type ScopeOf, tagList } from "./replay-pages.js";

export async function writeRdsPages(
  writer: PageWriter,
  scope: ScopeOf,
  databases: DbInstance[],
  size: (apiMaximum: number) => number,
): Promise<void> {
  await writer.page(
    scope("rds", "DescribeDBInstances"),
    paginate(databases.map(dbInstanceJson), size(100), (DBInstances, Marker) => ({
      DBInstances,
      ...(Marker ? { Marker } : {}),
    })),
  );
}

function dbInstanceJson(db: DbInstance): object {
  const zone = `${db.region}${"abc"[Number.parseInt(hexOf(`${db.id}|az`, 2), 16) % 3]}`;
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceClass: db.instanceClass,
    Engine: db.engine,
    DBInstanceStatus: "available",
    MasterUsername: "northwind_admin",
    Endpoint: {
      Address: `${db.id}.c${hexOf(`${db.account}|${db.region}|rds`, 11)}.${db.region}.rds.amazonaws.com`,
      Port: db.engine === "postgres" ? 5432 : 3306,
      HostedZoneId: "Z2R2ITUGPM61AM",
    },
    AllocatedStorage: db.allocatedStorageGb,
    InstanceCreateTime: isoOf(db.createdAt),
    PreferredBackupWindow: "03:00-03:30",
    BackupRetentionPeriod: 7,
    AvailabilityZone: zone,
    PreferredMaintenanceWindow: "sun:05:00-sun:05:30",
    MultiAZ: db.multiAz,
    ...(db.multiAz
      ? { SecondaryAvailabilityZone: zone.endsWith("a") ? `${db.region}b` : `${db.region}a` }
      : {}),
    EngineVersion: db.engineVersion,
    AutoMinorVersionUpgrade: true,
    PubliclyAccessible: false,
    StorageType: db.storageType,
    ...(db.storageType === "gp3" ? { Iops: 3000, StorageThroughput: 125 } : {}),
    StorageEncrypted: true,
    DbiResourceId: db.dbiResourceId,
    DBInstanceArn: db.arn,
    TagList: tagList(db.tags),
    DeletionProtection: db.tags.environment === "production",
    CopyTagsToSnapshot: true,
  };
}
