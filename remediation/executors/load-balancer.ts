import {
  AddTagsCommand as ClassicAddTagsCommand,
  DeleteLoadBalancerCommand as ClassicDeleteCommand,
  DescribeLoadBalancersCommand as ClassicDescribeCommand,
  DescribeTagsCommand as ClassicDescribeTagsCommand,
  RemoveTagsCommand as ClassicRemoveTagsCommand,
  ElasticLoadBalancingClient,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  AddTagsCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RemoveTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { awsErrorCode } from "../../aws/errors.js";
import { arnName } from "../../resources/arn.js";
import { loadBalancer as descriptor } from "../../resources/load-balancer.js";
import type { Executor, ExecutorScope, Observed, PlanTarget, Step } from "../executor.js";
import { ec2Tags } from "./ec2-tags.js";

/** The errors both APIs answer for a load balancer that does not exist (the SDKs name them apart). */
const GONE = new Set([
  "LoadBalancerNotFound",
  "LoadBalancerNotFoundException",
  "AccessPointNotFound",
  "AccessPointNotFoundException",
]);

/** What `state` says of a load balancer whose deletion protection is on: AWS refuses to delete it. */
const PROTECTED = " (deletion protection on)";

/** A classic load balancer's ARN names it bare (loadbalancer/NAME); the others app/, net/ or gwy/NAME/HASH. */
const classicName = (target: PlanTarget): string | null => {
  const name = arnName(descriptor, target.resourceId);
  return name.includes("/") ? null : name;
};

const v2 = (scope: ExecutorScope) => scope.client(ElasticLoadBalancingV2Client);
const classic = (scope: ExecutorScope) => scope.client(ElasticLoadBalancingClient);

/**
 * Load balancers (Application, Network, Gateway: elbv2; Classic: elb): deleted, or marked with the
 * service's own tags. The precondition that matters: the targets registered behind it (its
 * attachments), so that one given a target since the plan is left alone.
 */
export const loadBalancer: Executor = {
  resourceType: descriptor.type,
  readActions: [
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags",
  ],
  removeAction: "delete",
  actions: {
    mark: ["elasticloadbalancing:AddTags"],
    unmark: ["elasticloadbalancing:RemoveTags"],
    tag: ["elasticloadbalancing:AddTags"],
    delete: ["elasticloadbalancing:DeleteLoadBalancer"],
  },

  async describe(scope, target) {
    try {
      const name = classicName(target);
      return name === null ? await describeV2(scope, target.resourceId) : await describeClassic(scope, name);
    } catch (error) {
      if (GONE.has(awsErrorCode(error))) return null;
      throw error;
    }
  },

  ineligible(target, observed) {
    // A mark would announce a deletion AWS refuses: neither is planned while protection is on.
    if ((target.action === "delete" || target.action === "mark") && observed.state?.endsWith(PROTECTED))
      return "deletion protection is on";
    return null;
  },

  // Elastic Load Balancing has no DryRun: describe (just called, with the same credentials) is the
  // permission check a plan can make without acting.
  dryRun: async () => null,

  async act(scope, target, _observed, step) {
    const name = classicName(target);
    const arn = target.resourceId;
    if (target.action === "mark" || target.action === "tag") {
      const tags = [{ Key: target.markTag, Value: target.markValue ?? "" }];
      await step("add-tags", () =>
        name === null
          ? v2(scope).send(new AddTagsCommand({ ResourceArns: [arn], Tags: tags }))
          : classic(scope).send(new ClassicAddTagsCommand({ LoadBalancerNames: [name], Tags: tags })),
      );
      return `tagged ${target.markTag}=${target.markValue}`;
    }
    if (target.action === "unmark") {
      await step("remove-tags", () =>
        name === null
          ? v2(scope).send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: [target.markTag] }))
          : classic(scope).send(
              new ClassicRemoveTagsCommand({ LoadBalancerNames: [name], Tags: [{ Key: target.markTag }] }),
            ),
      );
      return `removed ${target.markTag}`;
    }
    await deleteIt(scope, name, arn, step);
    return "deleted";
  },

  done(target, observed) {
    if (target.action === "mark" || target.action === "tag")
      return observed !== null && observed.tags[target.markTag] === target.markValue;
    if (target.action === "unmark") return observed === null || observed.tags[target.markTag] === undefined;
    return observed === null;
  },
};

async function deleteIt(scope: ExecutorScope, name: string | null, arn: string, step: Step): Promise<void> {
  await step("delete-load-balancer", () =>
    name === null
      ? v2(scope).send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }))
      : classic(scope).send(new ClassicDeleteCommand({ LoadBalancerName: name })),
  );
}

async function describeV2(scope: ExecutorScope, arn: string): Promise<Observed | null> {
  const client = v2(scope);
  const page = await client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }));
  const balancer = page.LoadBalancers?.[0];
  if (!balancer) return null;
  const attributes = await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
  const protectedOn = (attributes.Attributes ?? []).some(
    (a) => a.Key === "deletion_protection.enabled" && a.Value === "true",
  );
  // Every target registered in the target groups it forwards to (a target group has no more than 1,000).
  const targets = new Set<string>();
  const groups = await client
    .send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn }))
    .catch((error) => {
      // Some endpoints (moto) answer "not found" for a load balancer without target groups.
      if (/^TargetGroupNotFound/.test(awsErrorCode(error))) return { TargetGroups: [] };
      throw error;
    });
  for (const group of groups.TargetGroups ?? []) {
    if (!group.TargetGroupArn) continue;
    const health = await client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }),
    );
    for (const d of health.TargetHealthDescriptions ?? []) if (d.Target?.Id) targets.add(d.Target.Id);
  }
  const tags = await client.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
  const code = balancer.State?.Code ?? null;
  return {
    state: code === null ? null : `${code}${protectedOn ? PROTECTED : ""}`,
    attachments: [...targets].sort(),
    tags: ec2Tags(tags.TagDescriptions?.[0]?.Tags),
  };
}

async function describeClassic(scope: ExecutorScope, name: string): Promise<Observed | null> {
  const client = classic(scope);
  const page = await client.send(new ClassicDescribeCommand({ LoadBalancerNames: [name] }));
  const balancer = page.LoadBalancerDescriptions?.[0];
  if (!balancer) return null;
  const tags = await client.send(new ClassicDescribeTagsCommand({ LoadBalancerNames: [name] }));
  return {
    // Classic load balancers have neither a state nor deletion protection.
    state: "active",
    attachments: (balancer.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])).sort(),
    tags: ec2Tags(tags.TagDescriptions?.[0]?.Tags),
  };
}
