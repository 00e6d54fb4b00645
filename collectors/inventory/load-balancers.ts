import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandOutput,
  DescribeTagsCommand,
  type DescribeTagsCommandOutput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandOutput,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { clientFor } from "../../aws/clients.js";
import type { FetchPage, PageScope } from "../../aws/pages.js";
import { loadBalancer } from "../../resources/load-balancer.js";
import {
  type CollectScope,
  type InventoryCollector,
  iso,
  type ResourceRecord,
  tagObject,
} from "./resource.js";

/** The most resource ARNs (or classic names) one DescribeTags call takes. */
export const TAGS_PER_CALL = 20;

/**
 * Application, Network and Gateway load balancers (elbv2), each with its target groups and the targets
 * registered in them: a load balancer with no target serves nothing. DescribeTargetHealth is asked only
 * of target groups that some load balancer uses; tags come from DescribeTags, 20 load balancers a call.
 */
export const loadBalancers: InventoryCollector = {
  name: "inventory:load-balancers",
  resource: loadBalancer,
  scope: "regional",
  iamActions: [
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags",
  ],
  async collect(scope) {
    const client = clientFor(ElasticLoadBalancingV2Client, scope);
    const at = (operation: string, part?: string): PageScope => ({
      account: scope.account,
      region: scope.region,
      service: "elbv2",
      operation,
      ...(part === undefined ? {} : { part }),
    });
    try {
      const balancers: NonNullable<DescribeLoadBalancersCommandOutput["LoadBalancers"]> = [];
      for await (const page of scope.pages.pages<DescribeLoadBalancersCommandOutput>(
        at("DescribeLoadBalancers"),
        async (token) => {
          const page = await client.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker: token }));
          return { page, next: page.NextMarker };
        },
      )) {
        balancers.push(...(page.LoadBalancers ?? []));
      }
      if (balancers.length === 0) return [];

      // Per load balancer: its target groups and the targets registered in them.
      const groups = new Map<string, number>();
      const targets = new Map<string, number>();
      for await (const page of scope.pages.pages<DescribeTargetGroupsCommandOutput>(
        at("DescribeTargetGroups"),
        async (token) => {
          const page = await client.send(new DescribeTargetGroupsCommand({ PageSize: 400, Marker: token }));
          return { page, next: page.NextMarker };
        },
      )) {
        for (const group of page.TargetGroups ?? []) {
          const users = group.LoadBalancerArns ?? [];
          if (!group.TargetGroupArn || !group.TargetGroupName || users.length === 0) continue;
          const arn = group.TargetGroupArn;
          const health = await onePage<DescribeTargetHealthCommandOutput>(
            scope,
            at("DescribeTargetHealth", group.TargetGroupName),
            async () => ({
              page: await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
            }),
          );
          // A page that says nothing (a record folder without it) is no evidence of an empty group: the
          // collector fails rather than report a load balancer without targets that the rules would delete.
          if (!health)
            throw new Error(`DescribeTargetHealth of target group ${group.TargetGroupName} returned no page`);
          const registered = health.TargetHealthDescriptions?.length ?? 0;
          for (const user of users) {
            groups.set(user, (groups.get(user) ?? 0) + 1);
            targets.set(user, (targets.get(user) ?? 0) + registered);
          }
        }
      }

      const tags = new Map<string, Record<string, string>>();
      const arns = balancers.flatMap((b) => (b.LoadBalancerArn ? [b.LoadBalancerArn] : []));
      for (let i = 0; i < arns.length; i += TAGS_PER_CALL) {
        const batch = arns.slice(i, i + TAGS_PER_CALL);
        const page = await onePage<DescribeTagsCommandOutput>(
          scope,
          at("DescribeTags", String(i / TAGS_PER_CALL).padStart(4, "0")),
          async () => ({ page: await client.send(new DescribeTagsCommand({ ResourceArns: batch })) }),
        );
        for (const description of page?.TagDescriptions ?? []) {
          if (description.ResourceArn) tags.set(description.ResourceArn, tagObject(description.Tags));
        }
      }

      return balancers.flatMap((b): ResourceRecord[] => {
        if (!b.LoadBalancerArn) return [];
        return [
          {
            resourceId: b.LoadBalancerArn,
            resourceType: loadBalancer.type,
            account: scope.account,
            region: scope.region,
            state: b.State?.Code ?? null,
            stateSince: null,
            createdAt: iso(b.CreatedTime),
            tags: tags.get(b.LoadBalancerArn) ?? {},
            attributes: {
              name: b.LoadBalancerName ?? null,
              lbKind: b.Type ?? null,
              targetGroups: groups.get(b.LoadBalancerArn) ?? 0,
              registeredTargets: targets.get(b.LoadBalancerArn) ?? 0,
              scheme: b.Scheme ?? null,
              vpcId: b.VpcId ?? null,
            },
          },
        ];
      });
    } finally {
      client.destroy();
    }
  },
};

/** The one page of an unpaginated call (undefined when a replay folder has none). */
export async function onePage<P>(
  scope: CollectScope,
  at: PageScope,
  fetch: FetchPage<P>,
): Promise<P | undefined> {
  let first: P | undefined;
  for await (const page of scope.pages.pages<P>(at, fetch)) first ??= page;
  return first;
}
