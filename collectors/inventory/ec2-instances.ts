import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import { ec2Instance } from "../../resources/ec2-instance.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** EC2 instances (every state but terminated), with what a rule needs to judge them. */
export const ec2Instances: InventoryCollector = {
  name: "inventory:ec2-instances",
  resource: ec2Instance,
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
              resourceType: ec2Instance.type,
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
                imageId: instance.ImageId ?? null,
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

/**
 * When a stopped instance was stopped, from its StateTransitionReason: "User initiated (2024-09-18
 * 22:00:00 GMT)". The format is not a contract (emulators write UTC): GMT, UTC, Z, a numeric offset, a
 * T between date and time, fractions of a second, or no zone at all (AWS's times are UTC) are all read.
 * Null when the reason holds no date: the inventory's history dates it then (store/inventory.ts).
 */
export function stateSince(reason: string | undefined): string | null {
  const match =
    /\((\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(GMT|UTC|Z|[+-]\d{2}:?\d{2})?\)/i.exec(
      reason ?? "",
    );
  if (!match) return null;
  // A calendar date that does not exist (Feb 30) is no date: Date would roll it into March.
  const [year, month, day] = (match[1] as string).split("-").map(Number) as [number, number, number];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  const zone = (match[3] ?? "Z").toUpperCase();
  const offset = /^[+-]/.test(zone) ? `${zone.slice(0, 3)}:${zone.slice(-2)}` : "Z";
  const instant = new Date(`${match[1]}T${match[2]}${offset}`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
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
