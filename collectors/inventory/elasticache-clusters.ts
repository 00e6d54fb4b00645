import {
  DescribeCacheClustersCommand,
  type DescribeCacheClustersCommandOutput,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
} from "@aws-sdk/client-elasticache";
import { clientFor } from "../../aws/clients.js";
import type { PageScope } from "../../aws/pages.js";
import { arnOf } from "../../resources/arn.js";
import { elasticacheCluster } from "../../resources/elasticache-cluster.js";
import { onePage } from "./load-balancers.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** ElastiCache cache clusters with their node type and count; tags by ListTagsForResource, one call each. */
export const elasticacheClusters: InventoryCollector = {
  name: "inventory:elasticache-clusters",
  resource: elasticacheCluster,
  scope: "regional",
  iamActions: ["elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"],
  async collect(scope) {
    const client = clientFor(ElastiCacheClient, scope);
    const at = (operation: string, part?: string): PageScope => ({
      account: scope.account,
      region: scope.region,
      service: "elasticache",
      operation,
      ...(part === undefined ? {} : { part }),
    });
    try {
      const clusters: NonNullable<DescribeCacheClustersCommandOutput["CacheClusters"]> = [];
      for await (const page of scope.pages.pages<DescribeCacheClustersCommandOutput>(
        at("DescribeCacheClusters"),
        async (token) => {
          const page = await client.send(
            new DescribeCacheClustersCommand({ MaxRecords: 100, Marker: token }),
          );
          return { page, next: page.Marker };
        },
      )) {
        clusters.push(...(page.CacheClusters ?? []));
      }
      const records: ResourceRecord[] = [];
      for (const cluster of clusters) {
        const id = cluster.CacheClusterId;
        if (!id) continue;
        const arn =
          cluster.ARN ?? arnOf(elasticacheCluster, { region: scope.region, account: scope.account, id });
        const tagging = await onePage<ListTagsForResourceCommandOutput>(
          scope,
          at("ListTagsForResource", id),
          async () => ({ page: await client.send(new ListTagsForResourceCommand({ ResourceName: arn })) }),
        );
        records.push({
          resourceId: arn,
          resourceType: elasticacheCluster.type,
          account: scope.account,
          region: scope.region,
          state: cluster.CacheClusterStatus ?? null,
          stateSince: null,
          createdAt: iso(cluster.CacheClusterCreateTime),
          tags: tagObject(tagging?.TagList),
          attributes: {
            name: id,
            cacheNodeType: cluster.CacheNodeType ?? null,
            numCacheNodes: cluster.NumCacheNodes ?? null,
            engine: cluster.Engine ?? null,
            replicationGroupId: cluster.ReplicationGroupId ?? null,
          },
        });
      }
      return records;
    } finally {
      client.destroy();
    }
  },
};
