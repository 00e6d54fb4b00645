import {
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  DescribeLaunchTemplatesCommand,
  type DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import type { PageSource } from "../../aws/pages.js";
import { ec2Image } from "../../resources/ec2-image.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

type Where = { account: string; region: string; service: string };

/**
 * The AMIs the account owns (public and shared ones cost it nothing), each with its snapshots and the
 * launch templates that name it. Whether an instance runs from it is in the instances' imageId.
 */
export const images: InventoryCollector = {
  name: "inventory:images",
  resource: ec2Image,
  scope: "regional",
  iamActions: ["ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const where = { account: scope.account, region: scope.region, service: "ec2" };
      const templatesByImage = await launchTemplatesByImage(client, scope.pages, where);
      // The snapshot collector's request exactly: a replay serves both from the same recorded pages.
      const pages = scope.pages.pages<DescribeImagesCommandOutput>(
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
          if (!image.ImageId) continue;
          const snapshotIds = (image.BlockDeviceMappings ?? []).flatMap((m) =>
            m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
          );
          records.push({
            resourceId: image.ImageId,
            resourceType: ec2Image.type,
            account: scope.account,
            region: scope.region,
            state: image.State ?? null,
            stateSince: null,
            createdAt: iso(image.CreationDate),
            tags: tagObject(image.Tags),
            attributes: {
              name: image.Name ?? null,
              snapshotIds: [...new Set(snapshotIds)].sort(),
              launchTemplateIds: [...(templatesByImage.get(image.ImageId) ?? [])].sort(),
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

/** The launch templates each image is named by, in any version (any version can be launched). */
async function launchTemplatesByImage(
  client: EC2Client,
  source: PageSource,
  where: Where,
): Promise<Map<string, Set<string>>> {
  const byImage = new Map<string, Set<string>>();
  const templateIds: string[] = [];
  const templates = source.pages<DescribeLaunchTemplatesCommandOutput>(
    { ...where, operation: "DescribeLaunchTemplates" },
    async (token) => {
      const page = await client.send(
        new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken: token }),
      );
      return { page, next: page.NextToken };
    },
  );
  for await (const page of templates) {
    for (const template of page.LaunchTemplates ?? [])
      if (template.LaunchTemplateId) templateIds.push(template.LaunchTemplateId);
  }
  for (const templateId of templateIds) {
    const versions = source.pages<DescribeLaunchTemplateVersionsCommandOutput>(
      { ...where, operation: "DescribeLaunchTemplateVersions", part: templateId },
      async (token) => {
        const page = await client.send(
          new DescribeLaunchTemplateVersionsCommand({
            LaunchTemplateId: templateId,
            MaxResults: 200,
            NextToken: token,
          }),
        );
        return { page, next: page.NextToken };
      },
    );
    for await (const page of versions) {
      for (const version of page.LaunchTemplateVersions ?? []) {
        // An SSM parameter (resolve:ssm:...) names no image id finops can match: it is left out.
        const imageId = version.LaunchTemplateData?.ImageId;
        if (!imageId?.startsWith("ami-")) continue;
        const users = byImage.get(imageId) ?? new Set<string>();
        users.add(templateId);
        byImage.set(imageId, users);
      }
    }
  }
  return byImage;
}
