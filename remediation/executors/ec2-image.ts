import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotsCommand,
} from "@aws-sdk/client-ec2";
import { awsErrorCode } from "../../aws/errors.js";
import { ec2Image as descriptor } from "../../resources/ec2-image.js";
import { type Executor, type ExecutorScope, ec2DryRun, type Observed } from "../executor.js";
import { actOnTags, ec2, ec2Tags, TAG_IAM_ACTIONS, tagDryRun, tagsDone } from "./ec2-tags.js";

/**
 * An AMI as described live. Its attachments are its snapshots (deleted with it); what uses it and which
 * of its snapshots are finops backups are looked up live too, for `ineligible` to refuse.
 */
interface ObservedImage extends Observed {
  /** Instances that run from it and launch template versions that name it, described for a reason. */
  usedBy: string[];
  /**
   * Its snapshots that are spared with their reason (a finops backup still retained, protected, exempted):
   * the image goes with its snapshots or not at all.
   */
  spared: string[];
}

const NOT_FOUND = new Set(["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidAMIID.Malformed"]);

/**
 * What a delete writes on the image's snapshots before deregistering it: once the image is gone, its
 * snapshots are found by it, so that a run stopped in between carries on deleting them (resumable).
 */
export const IMAGE_TAG = "finops:image";

/** Accounts the image is shared with (its launch permissions): another account may launch it. */
async function sharedWith(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const page = await ec2(scope).send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: "launchPermission" }),
  );
  const grants = (page.LaunchPermissions ?? []).map(
    (p) => p.UserId ?? p.Group ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? "?",
  );
  return grants.length ? [`it is shared with ${grants.join(", ")}`] : [];
}

/** An image's snapshots that a delete left behind (deregistered, not yet deleted), sorted. */
async function leftSnapshots(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const page = await ec2(scope).send(
    new DescribeSnapshotsCommand({
      OwnerIds: ["self"],
      Filters: [{ Name: `tag:${IMAGE_TAG}`, Values: [imageId] }],
    }),
  );
  return (page.Snapshots ?? []).flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : [])).sort();
}

/** Instances (not terminated: a stopped one can start again) that run from the image. */
async function instancesUsing(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const users: string[] = [];
  let token: string | undefined;
  do {
    const page = await ec2(scope).send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "image-id", Values: [imageId] },
          { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
        ],
        NextToken: token,
      }),
    );
    for (const reservation of page.Reservations ?? [])
      for (const i of reservation.Instances ?? [])
        if (i.InstanceId) users.push(`instance ${i.InstanceId} (${i.State?.Name ?? "?"}) runs from it`);
    token = page.NextToken;
  } while (token);
  return users;
}

/** Launch template versions (any: any version can be launched) that name the image. */
async function templatesUsing(scope: ExecutorScope, imageId: string): Promise<string[]> {
  const templateIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await ec2(scope).send(
      new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken: token }),
    );
    for (const t of page.LaunchTemplates ?? []) if (t.LaunchTemplateId) templateIds.push(t.LaunchTemplateId);
    token = page.NextToken;
  } while (token);
  const users: string[] = [];
  for (const templateId of templateIds) {
    let versionToken: string | undefined;
    do {
      const page = await ec2(scope).send(
        // An SSM parameter (resolve:ssm:...) is resolved to the image it names now.
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: templateId,
          MaxResults: 200,
          NextToken: versionToken,
          ResolveAlias: true,
        }),
      );
      for (const v of page.LaunchTemplateVersions ?? []) {
        const named = v.LaunchTemplateData?.ImageId;
        if (named === imageId)
          users.push(`launch template ${templateId} version ${v.VersionNumber ?? "?"} names it`);
        // One that could not be resolved may name this image: the image is not deleted on a guess.
        else if (named?.startsWith("resolve:"))
          users.push(
            `launch template ${templateId} version ${v.VersionNumber ?? "?"} names ${named}, which could not be resolved`,
          );
      }
      versionToken = page.NextToken;
    } while (versionToken);
  }
  return users;
}

/**
 * The snapshots among `ids` that their own tags spare from the rule (a finops backup still retained, the
 * protect or exemption tag), each with its reason.
 */
async function sparedSnapshots(scope: ExecutorScope, rule: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // A filter, not SnapshotIds: a snapshot deleted meanwhile is no error.
  const page = await ec2(scope).send(
    new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: "snapshot-id", Values: ids }] }),
  );
  return (page.Snapshots ?? [])
    .flatMap((snapshot) => {
      const why = scope.spared(rule, ec2Tags(snapshot.Tags));
      return why && snapshot.SnapshotId ? [`${snapshot.SnapshotId}: ${why}`] : [];
    })
    .sort();
}

export const ec2Image: Executor = {
  resourceType: descriptor.type,
  readActions: [
    "ec2:DescribeImageAttribute",
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeSnapshots",
  ],
  removeAction: "delete",
  actions: { ...TAG_IAM_ACTIONS, delete: ["ec2:CreateTags", "ec2:DeregisterImage", "ec2:DeleteSnapshot"] },

  async describe(scope, target): Promise<ObservedImage | null> {
    let image: NonNullable<Awaited<ReturnType<typeof describeImage>>>;
    const removing = target.action === "delete";
    const gone = async (): Promise<ObservedImage | null> => {
      // Deregistered by a delete that stopped before its snapshots were deleted: they are what is left.
      const left = removing ? await leftSnapshots(scope, target.resourceId) : [];
      return left.length === 0
        ? null
        : {
            state: "deregistered",
            attachments: left,
            tags: {},
            usedBy: [],
            spared: await sparedSnapshots(scope, target.rule, left),
          };
    };
    try {
      const found = await describeImage(scope, target.resourceId);
      if (!found || found.State === "deregistered") return gone();
      image = found;
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error))) return gone();
      throw error;
    }
    const snapshots = [
      ...new Set(
        (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
      ),
    ].sort();
    // Only a removal needs to know what uses the image: a mark is a tag.
    return {
      state: image.State ?? null,
      attachments: snapshots,
      tags: ec2Tags(image.Tags),
      usedBy: removing
        ? [
            ...(await instancesUsing(scope, target.resourceId)),
            ...(await templatesUsing(scope, target.resourceId)),
            ...(await sharedWith(scope, target.resourceId)),
          ]
        : [],
      spared: removing ? await sparedSnapshots(scope, target.rule, snapshots) : [],
    };
  },

  ineligible(target, observed) {
    if (target.action !== "delete") return null;
    const { usedBy = [], spared = [] } = observed as Partial<ObservedImage>;
    // Asked of a resumed delete too (the image deregistered, its snapshots left): they are re-checked.
    if (spared.length > 0)
      return `the image's snapshots are spared (${spared.join("; ")}): the image is kept`;
    if (observed.state === "deregistered") return null;
    if (observed.state !== "available") return `image is ${observed.state}, not available`;
    if (usedBy.length > 0) return `the image is in use: ${usedBy.join("; ")}`;
    return null;
  },

  dryRun(scope, target) {
    return ec2DryRun(
      () =>
        tagDryRun(scope, target) ??
        ec2(scope).send(new DeregisterImageCommand({ ImageId: target.resourceId, DryRun: true })),
    );
  },

  // Deregistering first: AWS refuses to delete a snapshot while a registered image uses it. The snapshots
  // are tagged with the image's id before, so that a run stopped between the deregistration and their
  // deletion finds them again (describe's "deregistered", resumable). Each call is its own step: a
  // resumed run skips the ones done.
  async act(scope, target, observed, step) {
    const tagged = await actOnTags(scope, target, step);
    if (tagged) return tagged;
    const imageId = target.resourceId;
    if (observed.attachments.length > 0) {
      await step("tag-snapshots", () =>
        ec2(scope).send(
          new CreateTagsCommand({
            Resources: observed.attachments,
            Tags: [{ Key: IMAGE_TAG, Value: imageId }],
          }),
        ),
      );
    }
    await step(
      "deregister-image",
      async () => {
        try {
          return await ec2(scope).send(new DeregisterImageCommand({ ImageId: imageId }));
        } catch (error) {
          // Deregistered by a run whose answer never came back.
          if (NOT_FOUND.has(awsErrorCode(error))) return { alreadyDeregistered: imageId };
          throw error;
        }
      },
      {
        resumeWith: async () => {
          const image = await describeImage(scope, imageId).catch((error) => {
            if (NOT_FOUND.has(awsErrorCode(error))) return undefined;
            throw error;
          });
          return image && image.State !== "deregistered" ? null : { alreadyDeregistered: imageId };
        },
      },
    );
    for (const snapshotId of observed.attachments) {
      await step(`delete-snapshot ${snapshotId}`, async () => {
        try {
          return await ec2(scope).send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
        } catch (error) {
          if (awsErrorCode(error) === "InvalidSnapshot.NotFound") return { alreadyGone: snapshotId };
          throw error;
        }
      });
    }
    return observed.attachments.length === 0
      ? "deregistered (no snapshots)"
      : `deregistered, snapshot(s) ${observed.attachments.join(", ")} deleted`;
  },

  done(target, observed) {
    return tagsDone(target, observed) ?? observed === null;
  },

  // Only a run that reached the deregistration left the image deregistered with its snapshots: one that
  // failed before it (an image deregistered by hand since) is not carried on.
  resumable(target, observed, journaled) {
    return (
      target.action === "delete" && observed.state === "deregistered" && journaled.has("deregister-image")
    );
  },
};

async function describeImage(scope: ExecutorScope, imageId: string) {
  const page = await ec2(scope).send(
    new DescribeImagesCommand({ ImageIds: [imageId], IncludeDisabled: true }),
  );
  return page.Images?.[0];
}
