import { DescribeVolumesCommand, type DescribeVolumesCommandOutput, EC2Client } from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import { ebsVolume } from "../../resources/ebs-volume.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

export const ebsVolumes: InventoryCollector = {
  name: "inventory:ebs-volumes",
  resource: ebsVolume,
  scope: "regional",
  iamActions: ["ec2:DescribeVolumes"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeVolumesCommandOutput>(
        { account: scope.account, region: scope.region, service: "ec2", operation: "DescribeVolumes" },
        async (token) => {
          const page = await client.send(new DescribeVolumesCommand({ MaxResults: 500, NextToken: token }));
          return { page, next: page.NextToken };
        },
      );
      for await (const page of pages) {
        for (const volume of page.Volumes ?? []) {
          if (!volume.VolumeId) continue;
          records.push({
            resourceId: volume.VolumeId,
            resourceType: ebsVolume.type,
            account: scope.account,
            region: scope.region,
            state: volume.State ?? null,
            stateSince: null,
            createdAt: iso(volume.CreateTime),
            tags: tagObject(volume.Tags),
            attributes: {
              volumeType: volume.VolumeType ?? null,
              sizeGiB: volume.Size ?? null,
              iops: volume.Iops ?? null,
              throughput: volume.Throughput ?? null,
              availabilityZone: volume.AvailabilityZone ?? null,
              snapshotId: volume.SnapshotId || null,
              attachments: (volume.Attachments ?? []).map((a) => ({
                instanceId: a.InstanceId ?? null,
                device: a.Device ?? null,
                state: a.State ?? null,
                attachTime: iso(a.AttachTime),
              })),
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
