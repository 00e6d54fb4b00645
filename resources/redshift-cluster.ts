import { arnName } from "./arn.js";
import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/** Provisioned Redshift clusters (Serverless workgroups bill by use, and are not these). */
export const redshiftCluster: ResourceDescriptor = {
  type: "redshift:cluster",
  displayName: { one: "Redshift cluster", many: "Redshift clusters" },
  id: {
    pattern: /^arn:aws[a-z-]*:redshift:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]{0,62}$/,
    example: "arn:aws:redshift:eu-west-1:111122223333:cluster:analytics",
  },
  arn: { service: "redshift", arnType: "cluster", scope: "regional", separator: ":", idIsArn: true },
  price: {
    // The node type in a region, per node-hour: every node of the cluster bills its hours.
    keyParts: ["json_extract_string(r.attributes, '$.nodeType')"],
    unit: "hours",
    monthlyQuantity: `${HOURS_PER_MONTH} * coalesce(TRY_CAST(json_extract(r.attributes, '$.numberOfNodes') AS DOUBLE), 1)`,
    priceListQuery: (region, [nodeType]) =>
      nodeType
        ? {
            serviceCode: "AmazonRedshift",
            filters: { regionCode: region, instanceType: nodeType, productFamily: "Compute Instance" },
            unit: "Hrs",
          }
        : null,
  },
  attributes: { name: "VARCHAR", nodeType: "VARCHAR", numberOfNodes: "BIGINT" },
  metrics: {
    namespace: "AWS/Redshift",
    dimension: "ClusterIdentifier",
    metrics: [{ metric: "DatabaseConnections", stat: "Maximum" }],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/redshiftv2/home?region=${encodeURIComponent(region)}#cluster-details?cluster=${encodeURIComponent(arnName(redshiftCluster, id))}`,
};
