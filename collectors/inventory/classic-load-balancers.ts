import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandOutput,
  DescribeTagsCommand,
  type DescribeTagsCommandOutput,
  ElasticLoadBalancingClient,
} from "@aws-sdk/client-elastic-load-balancing";
import { clientFor } from "../../aws/clients.js";
import type { PageScope } from "../../aws/pages.js";
import { arnOf } from "../../resources/arn.js";
import { loadBalancer } from "../../resources/load-balancer.js";
import { onePage, TAGS_PER_CALL } from "./load-balancers.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/**
 * Classic load balancers (the elb API), stored as the same type as the others: the ARN is built from
 * the name, as billing names it (the API gives none). Their registered targets are their instances.
 */
export const classicLoadBalancers: InventoryCollector = {
  name: "inventory:classic-load-balancers",
  resource: loadBalancer,
  scope: "regional",
  iamActions: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags"],
  async collect(scope) {
    const client = clientFor(ElasticLoadBalancingClient, scope);
    const at = (operation: string, part?: string): PageScope => ({
      account: scope.account,
      region: scope.region,
      service: "elb",
      operation,
      ...(part === undefined ? {} : { part }),
    });
    try {
      const balancers: NonNullable<DescribeLoadBalancersCommandOutput["LoadBalancerDescriptions"]> = [];
      for await (const page of scope.pages.pages<DescribeLoadBalancersCommandOutput>(
        at("DescribeLoadBalancers"),
        async (token) => {
          const page = await client.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker: token }));
          return { page, next: page.NextMarker };
        },
      )) {
        balancers.push(...(page.LoadBalancerDescriptions ?? []));
      }

      const names = balancers.flatMap((b) => (b.LoadBalancerName ? [b.LoadBalancerName] : []));
      const tags = new Map<string, Record<string, string>>();
      for (let i = 0; i < names.length; i += TAGS_PER_CALL) {
        const batch = names.slice(i, i + TAGS_PER_CALL);
        const page = await onePage<DescribeTagsCommandOutput>(
          scope,
          at("DescribeTags", String(i / TAGS_PER_CALL).padStart(4, "0")),
          async () => ({ page: await client.send(new DescribeTagsCommand({ LoadBalancerNames: batch })) }),
        );
        for (const description of page?.TagDescriptions ?? []) {
          if (description.LoadBalancerName)
            tags.set(description.LoadBalancerName, tagObject(description.Tags));
        }
      }

      return balancers.flatMap((b): ResourceRecord[] => {
        if (!b.LoadBalancerName) return [];
        return [
          {
            resourceId: arnOf(loadBalancer, {
              region: scope.region,
              account: scope.account,
              id: b.LoadBalancerName,
            }),
            resourceType: loadBalancer.type,
            account: scope.account,
            region: scope.region,
            // Classic load balancers have no state: one that exists is in service.
            state: "active",
            stateSince: null,
            createdAt: iso(b.CreatedTime),
            tags: tags.get(b.LoadBalancerName) ?? {},
            attributes: {
              name: b.LoadBalancerName,
              lbKind: "classic",
              targetGroups: 0,
              registeredTargets: (b.Instances ?? []).length,
              scheme: b.Scheme ?? null,
              vpcId: b.VPCId ?? null,
            },
          },
        ];
      });
    } finally {
      client.destroy();
    }
  },
};
