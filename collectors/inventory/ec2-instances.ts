import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "./clients.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** EC2 instances (every state but terminated), with what a rule needs to judge them. */
export const ec2Instances: InventoryCollector = {
  name: "inventory:ec2-instances",
  scope: "regional",
  iamActions: ["ec2:DescribeInstances"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeInstancesCommandOutput>(
        { account: scope.account, region: scope.region, service: "ec2", operation: "DescribeInstances" },
        async (token) => {
          const page = await client.send(
            new DescribeInstancesCommand({ MaxResults: 1000, NextToken: token }),
          );
          return { page, next: page.NextToken };
        },
      );
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            const state = instance.State?.Name ?? null;
            if (!instance.InstanceId || state === "terminated") continue;
            const tags = tagObject(instance.Tags);
            records.push({
              resourceId: instance.InstanceId,
              resourceType: "ec2:instance",
              account: scope.account,
              region: scope.region,
              state,
              stateSince:
                stateSince(instance.StateTransitionReason) ??
                (state === "running" ? iso(instance.LaunchTime) : null),
              createdAt: iso(instance.LaunchTime),
              tags,
              attributes: {
                instanceType: instance.InstanceType ?? null,
                platform: instance.PlatformDetails ?? instance.Platform ?? "Linux/UNIX",
                architecture: instance.Architecture ?? null,
                lifecycle: instance.InstanceLifecycle === "spot" ? "spot" : "on-demand",
                autoScalingGroup: tags["aws:autoscaling:groupName"] ?? null,
                kubernetes: kubernetesNode(tags),
                availabilityZone: instance.Placement?.AvailabilityZone ?? null,
                volumeIds: (instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter(Boolean),
              },
            });
          }
        }
      }
    } finally {
      client.destroy();
    }
    return records;
  },
};

/** "User initiated (2024-09-18 22:00:00 GMT)": when a stopped instance was stopped. */
export function stateSince(reason: string | undefined): string | null {
  const match = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(reason ?? "");
  return match ? `${match[1]}T${match[2]}.000Z` : null;
}

/** A Kubernetes node by its tags (EKS managed node groups, self-managed nodes, Karpenter), or null. */
export function kubernetesNode(
  tags: Record<string, string>,
): { cluster: string | null; nodegroup: string | null; nodepool: string | null } | null {
  const clusterTag = Object.keys(tags).find((key) => key.startsWith("kubernetes.io/cluster/"));
  const cluster =
    tags["eks:cluster-name"] ??
    tags["aws:eks:cluster-name"] ??
    (clusterTag ? clusterTag.slice("kubernetes.io/cluster/".length) : undefined) ??
    tags["karpenter.k8s.aws/cluster"] ??
    null;
  const nodegroup = tags["eks:nodegroup-name"] ?? null;
  const nodepool = tags["karpenter.sh/nodepool"] ?? tags["karpenter.sh/provisioner-name"] ?? null;
  if (!cluster && !nodegroup && !nodepool) return null;
  return { cluster, nodegroup, nodepool };
}
