import {
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import type { PageSource } from "../../aws/pages.js";
import { ebsSnapshot } from "../../resources/ebs-snapshot.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

/**
 * Snapshots the account owns (public and shared ones cost it nothing), each with `imageIds`: the
 * registered images of the account whose block devices it backs. AWS refuses to delete those
 * (InvalidSnapshot.InUse) until the image is deregistered, so the snapshot rules leave them out.
 */
export const ebsSnapshots: InventoryCollector = {
  name: "inventory:ebs-snapshots",
  resource: ebsSnapshot,
  scope: "regional",
  iamActions: ["ec2:DescribeSnapshots", "ec2:DescribeImages"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const where = { account: scope.account, region: scope.region, service: "ec2" };
      const imagesBySnapshot = await imagesBySnapshotId(client, scope.pages, where);
      const pages = scope.pages.pages<DescribeSnapshotsCommandOutput>(
        { ...where, operation: "DescribeSnapshots" },
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
            resourceType: ebsSnapshot.type,
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
              imageIds: imagesBySnapshot.get(snapshot.SnapshotId)?.sort() ?? [],
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

/**
 * The ids of the account's own images (disabled ones too: they still hold their snapshots) that each
 * snapshot backs, from every page of DescribeImages.
 */
async function imagesBySnapshotId(
  client: EC2Client,
  source: PageSource,
  where: { account: string; region: string; service: string },
): Promise<Map<string, string[]>> {
  const bySnapshot = new Map<string, string[]>();
  const pages = source.pages<DescribeImagesCommandOutput>(
    { ...where, operation: "DescribeImages" },
    async (token) => {
      const page = await client.send(
        new DescribeImagesCommand({
          Owners: ["self"],
          IncludeDisabled: true,
          MaxResults: 1000,
          NextToken: token,
        }),
      );
      return { page, next: page.NextToken };
    },
  );
  for await (const page of pages) {
    for (const image of page.Images ?? []) {
      for (const mapping of image.BlockDeviceMappings ?? []) {
        const snapshotId = mapping.Ebs?.SnapshotId;
        if (!image.ImageId || !snapshotId) continue;
        const images = bySnapshot.get(snapshotId) ?? [];
        if (!images.includes(image.ImageId)) images.push(image.ImageId);
        bySnapshot.set(snapshotId, images);
      }
    }
  }
  return bySnapshot;
}
