/**
 * The demo estate's AMI pages for one account and region: DescribeImages with the snapshot collector's
 * request (Owners self: the images the account owns, each with the snapshots behind it),
 * DescribeLaunchTemplates (MaxResults 200, NextToken) and every version of each template
 * (DescribeLaunchTemplateVersions, part: the template's id), as the images collector asks them.
 */
import type { LaunchTemplate, MachineImage } from "./estate.js";
import { compare, isoOf, type PageWriter, paginate, type ScopeOf, tagsMember } from "./replay-pages.js";

export async function writeImagePages(
  writer: PageWriter,
  scope: ScopeOf,
  images: MachineImage[],
  templates: LaunchTemplate[],
  size: (apiMaximum: number) => number,
): Promise<void> {
  await writer.page(
    scope("ec2", "DescribeImages"),
    paginate(images.map(imageJson), size(1000), (Images, NextToken) => ({
      Images,
      ...(NextToken ? { NextToken } : {}),
    })),
  );
  const sorted = [...templates].sort((a, b) => compare(a.id, b.id));
  await writer.page(
    scope("ec2", "DescribeLaunchTemplates"),
    paginate(sorted.map(templateJson), size(200), (LaunchTemplates, NextToken) => ({
      LaunchTemplates,
      ...(NextToken ? { NextToken } : {}),
    })),
  );
  for (const t of sorted) {
    // AWS lists versions newest first.
    const versions = t.versionImageIds.map((imageId, i) => versionJson(t, i + 1, imageId)).reverse();
    await writer.page(
      scope("ec2", "DescribeLaunchTemplateVersions", t.id),
      paginate(versions, size(200), (LaunchTemplateVersions, NextToken) => ({
        LaunchTemplateVersions,
        ...(NextToken ? { NextToken } : {}),
      })),
    );
  }
}

/** An AMI the account owns, as DescribeImages (Owners=self) answers it. */
function imageJson(image: MachineImage): object {
  const [root, ...data] = image.snapshotIds;
  return {
    Architecture: "x86_64",
    CreationDate: isoOf(image.createdAt),
    ImageId: image.id,
    ImageLocation: `${image.account}/${image.name}`,
    ImageType: "machine",
    Public: false,
    OwnerId: image.account,
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    State: "available",
    BlockDeviceMappings: [
      {
        DeviceName: "/dev/xvda",
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: root,
          VolumeSize: image.rootSizeGb,
          VolumeType: "gp3",
          Encrypted: false,
        },
      },
      ...data.map((SnapshotId, i) => ({
        DeviceName: `/dev/sd${"fghij"[i]}`,
        Ebs: { DeleteOnTermination: true, SnapshotId, VolumeType: "gp3", Encrypted: false },
      })),
    ],
    ...tagsMember(image.tags),
    Name: image.name,
    RootDeviceName: "/dev/xvda",
    RootDeviceType: "ebs",
    VirtualizationType: "hvm",
  };
}

const createdBy = (t: LaunchTemplate) => `arn:aws:iam::${t.account}:role/terraform`;

function templateJson(t: LaunchTemplate): object {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    CreateTime: isoOf(t.createdAt),
    CreatedBy: createdBy(t),
    DefaultVersionNumber: t.versionImageIds.length,
    LatestVersionNumber: t.versionImageIds.length,
    ...tagsMember(t.tags),
  };
}

function versionJson(t: LaunchTemplate, version: number, imageId: string): object {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    VersionNumber: version,
    CreateTime: isoOf(t.createdAt),
    CreatedBy: createdBy(t),
    DefaultVersion: version === t.versionImageIds.length,
    LaunchTemplateData: { ImageId: imageId, InstanceType: "m6i.large" },
  };
}
