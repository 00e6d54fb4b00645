import {
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "./clients.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/** Snapshots the account owns (public and shared ones cost it nothing). */
export const ebsSnapshots: InventoryCollector = {
  name: "inventory:ebs-snapshots",
  scope: "regional",
  iamActions: ["ec2:DescribeSnapshots"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeSnapshotsCommandOutput>(
        { account: scope.account, region: scope.region, service: "ec2", operation: "DescribeSnapshots" },
        async (token) => {
          const page = await client.send(
            new DescribeSnapshotsCommand({ OwnerIds: ["self"], MaxResults: 1000, NextToken: token }),
          );
          return { page, next: page.NextToken };
        },
      );
      for await (const page of pages) {
        for (const snapshot of page.Snapshots ?? []) {
          if (!snapshot.SnapshotId) continue;
          records.push({
            resourceId: snapshot.SnapshotId,
            resourceType: "ec2:snapshot",
            account: scope.account,
            region: scope.region,
            state: snapshot.State ?? null,
            stateSince: null,
            createdAt: iso(snapshot.StartTime),
            tags: tagObject(snapshot.Tags),
            attributes: {
              volumeId: snapshot.VolumeId ?? null,
              sizeGiB: snapshot.VolumeSize ?? null,
              storageTier: snapshot.StorageTier ?? null,
              description: snapshot.Description ?? null,
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
