import {
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  RedshiftClient,
} from "@aws-sdk/client-redshift";
import { clientFor } from "../../aws/clients.js";
import { arnOf } from "../../resources/arn.js";
import { redshiftCluster } from "../../resources/redshift-cluster.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** Provisioned Redshift clusters with their node type and count; DescribeClusters carries their tags. */
export const redshiftClusters: InventoryCollector = {
  name: "inventory:redshift-clusters",
  resource: redshiftCluster,
  scope: "regional",
  iamActions: ["redshift:DescribeClusters"],
  async collect(scope) {
    const client = clientFor(RedshiftClient, scope);
    const records: ResourceRecord[] = [];
    try {
      for await (const page of scope.pages.pages<DescribeClustersCommandOutput>(
        { account: scope.account, region: scope.region, service: "redshift", operation: "DescribeClusters" },
        async (token) => {
          const page = await client.send(new DescribeClustersCommand({ MaxRecords: 100, Marker: token }));
          return { page, next: page.Marker };
        },
      )) {
        for (const cluster of page.Clusters ?? []) {
          const id = cluster.ClusterIdentifier;
          if (!id) continue;
          records.push({
            // DescribeClusters gives no ARN: it is built as billing and the Tagging API name it.
            resourceId: arnOf(redshiftCluster, { region: scope.region, account: scope.account, id }),
            resourceType: redshiftCluster.type,
            account: scope.account,
            region: scope.region,
            state: cluster.ClusterStatus ?? null,
            stateSince: null,
            createdAt: iso(cluster.ClusterCreateTime),
            tags: tagObject(cluster.Tags),
            attributes: {
              name: id,
              nodeType: cluster.NodeType ?? null,
              numberOfNodes: cluster.NumberOfNodes ?? null,
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
