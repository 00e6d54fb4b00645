import { arnName } from "./arn.js";
import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/** The Price List's cacheEngine values of the engines ElastiCache reports. */
const ENGINES: Record<string, string> = { redis: "Redis", memcached: "Memcached", valkey: "Valkey" };

/** ElastiCache cache clusters (a Redis or Valkey replication group's nodes are clusters too, one each). */
export const elasticacheCluster: ResourceDescriptor = {
  type: "elasticache:cluster",
  displayName: { one: "ElastiCache cluster", many: "ElastiCache clusters" },
  id: {
    pattern: /^arn:aws[a-z-]*:elasticache:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,49}$/,
    example: "arn:aws:elasticache:eu-west-1:111122223333:cluster:sessions-001",
  },
  arn: { service: "elasticache", arnType: "cluster", scope: "regional", separator: ":", idIsArn: true },
  price: {
    // The node type and engine in a region, per node-hour: every node of the cluster bills its hours.
    keyParts: [
      "json_extract_string(r.attributes, '$.cacheNodeType')",
      "json_extract_string(r.attributes, '$.engine')",
    ],
    unit: "hours",
    monthlyQuantity: `${HOURS_PER_MONTH} * coalesce(TRY_CAST(json_extract(r.attributes, '$.numCacheNodes') AS DOUBLE), 1)`,
    priceListQuery(region, [cacheNodeType, engine]) {
      const cacheEngine = ENGINES[engine ?? ""];
      if (!cacheNodeType || !cacheEngine) return null;
      return {
        serviceCode: "AmazonElastiCache",
        filters: { regionCode: region, instanceType: cacheNodeType, cacheEngine },
        unit: "Hrs",
        usageTypeSuffix: `NodeUsage:${cacheNodeType}`,
      };
    },
  },
  attributes: { name: "VARCHAR", cacheNodeType: "VARCHAR", numCacheNodes: "BIGINT", engine: "VARCHAR" },
  metrics: {
    namespace: "AWS/ElastiCache",
    dimension: "CacheClusterId",
    metrics: [{ metric: "CurrConnections", stat: "Maximum" }],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/elasticache/home?region=${encodeURIComponent(region)}#/cache-clusters/${encodeURIComponent(arnName(elasticacheCluster, id))}`,
};
