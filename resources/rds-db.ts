import { arnName } from "./arn.js";
import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/**
 * Price List databaseEngine values of the engines whose instance hours one product prices. Oracle and
 * SQL Server are left out: their price depends on an edition and license model inventory does not hold,
 * and a guessed license would be a guessed price (billing prices them).
 */
const DATABASE_ENGINES: Record<string, string> = {
  mysql: "MySQL",
  postgres: "PostgreSQL",
  mariadb: "MariaDB",
  "aurora-mysql": "Aurora MySQL",
  "aurora-postgresql": "Aurora PostgreSQL",
};

/** The Price List's deploymentOption of the multiAz key part. */
const DEPLOYMENTS: Record<string, string> = { "multi-az": "Multi-AZ", "single-az": "Single-AZ" };

export const rdsDb: ResourceDescriptor = {
  type: "rds:db",
  displayName: { one: "RDS database instance", many: "RDS database instances" },
  // The ARN: an identifier (1 to 63 letters, digits and hyphens, starting with a letter, which RDS keeps
  // in lowercase) is unique only in its account and region.
  id: {
    pattern: /^arn:aws(-[a-z]+)*:rds:[a-z0-9-]+:\d{12}:db:[a-z][a-z0-9-]{0,62}$/,
    example: "arn:aws:rds:eu-west-1:111122223333:db:orders-prod",
  },
  arn: { service: "rds", arnType: "db", scope: "regional", separator: ":", idIsArn: true },
  price: {
    // Instance class, engine and deployment (Multi-AZ bills a standby's hours too) in a region.
    keyParts: [
      "json_extract_string(r.attributes, '$.instanceClass')",
      "json_extract_string(r.attributes, '$.engine')",
      "CASE json_extract_string(r.attributes, '$.multiAz') WHEN 'true' THEN 'multi-az' WHEN 'false' THEN 'single-az' END",
    ],
    unit: "hours",
    // A stopped database bills no instance hours (its storage and backups still bill, under its ARN).
    monthlyQuantity: `CASE WHEN r.state = 'stopped' THEN 0 ELSE ${HOURS_PER_MONTH} END`,
    estimateNote: ", instance hours only (its storage bills besides)",
    priceListQuery(region, [instanceClass, engine, deployment]) {
      const databaseEngine = DATABASE_ENGINES[engine ?? ""];
      // An Aurora instance is billed alone whatever its cluster's zones: the Price List says Single-AZ.
      const deploymentOption = engine?.startsWith("aurora-") ? "Single-AZ" : DEPLOYMENTS[deployment ?? ""];
      if (!instanceClass || !databaseEngine || !deploymentOption) return null;
      return {
        serviceCode: "AmazonRDS",
        filters: {
          regionCode: region,
          productFamily: "Database Instance",
          instanceType: instanceClass,
          databaseEngine,
          deploymentOption,
        },
        unit: "Hrs",
        // (REGION-)InstanceUsage:db.m5.large or Multi-AZUsage:db.m5.large: not the I/O-Optimized variants.
        usageTypeSuffix: `${deploymentOption === "Multi-AZ" ? "Multi-AZUsage" : "InstanceUsage"}:${instanceClass}`,
      };
    },
  },
  attributes: {
    name: "VARCHAR",
    instanceClass: "VARCHAR",
    engine: "VARCHAR",
    engineVersion: "VARCHAR",
    storageType: "VARCHAR",
    allocatedStorageGiB: "BIGINT",
    multiAz: "BOOLEAN",
  },
  metrics: {
    namespace: "AWS/RDS",
    dimension: "DBInstanceIdentifier",
    metrics: [
      { metric: "DatabaseConnections", stat: "Maximum" },
      { metric: "CPUUtilization", stat: "Average" },
      { metric: "CPUUtilization", stat: "Maximum" },
    ],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/rds/home?region=${encodeURIComponent(region)}#database:id=${encodeURIComponent(arnName(rdsDb, id))};is-cluster=false`,
};
