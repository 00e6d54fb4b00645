import {
  DescribeClusterCommand,
  type DescribeClusterCommandOutput,
  DescribeNodegroupCommand,
  type DescribeNodegroupCommandOutput,
  EKSClient,
  ListClustersCommand,
  type ListClustersCommandOutput,
  ListNodegroupsCommand,
  type ListNodegroupsCommandOutput,
} from "@aws-sdk/client-eks";
import { clientFor } from "../../aws/clients.js";
import type { PageSource } from "../../aws/pages.js";
import { eksCluster } from "../../resources/eks-cluster.js";
import { type InventoryCollector, iso, type ResourceRecord } from "./resource.js";

type Where = { account: string; region: string; service: string };

/** One page of a call that has no pages (DescribeCluster): recorded and replayed like the others. */
async function onePage<P>(
  source: PageSource,
  scope: Where & { operation: string; part: string },
  call: () => Promise<P>,
) {
  for await (const page of source.pages<P>(scope, async () => ({ page: await call() }))) return page;
  throw new Error(`${scope.operation} ${scope.part}: no answer`);
}

/**
 * EKS clusters (control planes, billed by the hour), with their managed node groups' count and desired
 * size. Self-managed and Karpenter nodes are no node group: the empty-eks-cluster rule looks for nodes
 * among the EC2 instances (their kubernetes attribute) too.
 */
export const eksClusters: InventoryCollector = {
  name: "inventory:eks-clusters",
  resource: eksCluster,
  scope: "regional",
  iamActions: ["eks:ListClusters", "eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup"],
  async collect(scope) {
    const client = clientFor(EKSClient, scope);
    const records: ResourceRecord[] = [];
    try {
      const where = { account: scope.account, region: scope.region, service: "eks" };
      const names: string[] = [];
      const lists = scope.pages.pages<ListClustersCommandOutput>(
        { ...where, operation: "ListClusters" },
        async (token) => {
          const page = await client.send(new ListClustersCommand({ maxResults: 100, nextToken: token }));
          return { page, next: page.nextToken };
        },
      );
      for await (const page of lists) names.push(...(page.clusters ?? []));
      for (const name of names) {
        const described = await onePage<DescribeClusterCommandOutput>(
          scope.pages,
          { ...where, operation: "DescribeCluster", part: name },
          () => client.send(new DescribeClusterCommand({ name })),
        );
        const cluster = described.cluster;
        if (!cluster?.arn) continue;
        const { nodegroups, desiredNodes } = await nodeGroups(client, scope.pages, where, name);
        records.push({
          resourceId: cluster.arn,
          resourceType: eksCluster.type,
          account: scope.account,
          region: scope.region,
          state: cluster.status ?? null,
          stateSince: null,
          createdAt: iso(cluster.createdAt),
          tags: { ...(cluster.tags ?? {}) },
          attributes: {
            name: cluster.name ?? name,
            version: cluster.version ?? null,
            nodegroups,
            desiredNodes,
          },
        });
      }
    } finally {
      client.destroy();
    }
    return records;
  },
};

/** How many managed node groups a cluster has, and the sum of their desired sizes. */
async function nodeGroups(
  client: EKSClient,
  source: PageSource,
  where: Where,
  clusterName: string,
): Promise<{ nodegroups: number; desiredNodes: number }> {
  const names: string[] = [];
  const lists = source.pages<ListNodegroupsCommandOutput>(
    { ...where, operation: "ListNodegroups", part: clusterName },
    async (token) => {
      const page = await client.send(
        new ListNodegroupsCommand({ clusterName, maxResults: 100, nextToken: token }),
      );
      return { page, next: page.nextToken };
    },
  );
  for await (const page of lists) names.push(...(page.nodegroups ?? []));
  let desiredNodes = 0;
  for (const nodegroupName of names) {
    const described = await onePage<DescribeNodegroupCommandOutput>(
      source,
      { ...where, operation: "DescribeNodegroup", part: `${clusterName}/${nodegroupName}` },
      () => client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
    );
    desiredNodes += described.nodegroup?.scalingConfig?.desiredSize ?? 0;
  }
  return { nodegroups: names.length, desiredNodes };
}
