/**
 * The AMIs the demo's accounts own and the launch templates that name them (issue 16). Some images are
 * in use (an instance of the estate runs from it, or a launch template version names it), some are old
 * and unused (what unused-ami flags), one is unused but recent (too young to flag). An image costs
 * nothing itself: its snapshots are billed as snapshots, so each one adds snapshot records backing it.
 *
 * Drawn from its own stream (`ctx.rng` is not the estate's main one), after every older record: the
 * records and bill rows before them stay the same. The image the estate already had (an old orphaned
 * snapshot made by CreateImage still backs it, estate-storage.ts) becomes a record here too.
 */
import { arn, awsId } from "./aws-ids.js";
import { hashedHex } from "./estate-draw.js";
import type {
  Account,
  BuildContext,
  Ec2Estate,
  Instance,
  LaunchTemplate,
  MachineImage,
  Snapshot,
} from "./estate-types.js";
import { DAY_MS, existsAt } from "./lifecycle.js";
import { ownershipTags } from "./teams.js";

export interface Images {
  images: MachineImage[];
  launchTemplates: LaunchTemplate[];
}

/** How old (days) an image must be before unused-ami considers it (the rule's `minAgeDays` default). */
export const UNUSED_IMAGE_MIN_AGE_DAYS = 90;

export function machineImages(ctx: BuildContext, ec2: Ec2Estate): Images {
  const { rng } = ctx;
  const images: MachineImage[] = [];
  const launchTemplates: LaunchTemplate[] = [];
  const add = (image: MachineImage) => {
    images.push(image);
    return image;
  };

  // The image the estate already had: its snapshot exists; nothing runs from it.
  for (const s of ec2.snapshots) {
    if (s.imageId === null) continue;
    add(imageRecord(s.imageId, s.account, s.region, s.team, {}, s.createdAt, `golden-${s.imageId}`, [s]));
  }

  for (const account of ctx.accounts) {
    const regions = account.name === "prod" ? ctx.regions : ctx.regions.slice(0, 1);
    for (const region of regions) {
      const team = account.name === "prod" ? "platform" : rng.pick(["platform", "web", "data"]);
      const tags = ownershipTags(rng, team, account.environment, 1);
      const newImage = (name: string, daysAgo: number, id = awsId(rng, "ami")) => {
        const createdAt = ctx.ago(daysAgo);
        const snapshot = backingSnapshot(ctx, ec2, { id, account, region, team, tags, daysAgo });
        return add(imageRecord(id, account.id, region, team, tags, createdAt, name, [snapshot]));
      };

      // Instances of the account that run from its own images (the first two plain, live instances).
      const runners = ec2.instances
        .filter(
          (i) =>
            i.account === account.id &&
            i.region === region &&
            !i.kubernetes &&
            existsAt(i, ctx.anchorMs) &&
            !images.some((m) => m.id === i.imageId),
        )
        .slice(0, 2);
      for (const instance of runners) {
        const launched = (ctx.anchorMs - Date.parse(instance.createdAt)) / DAY_MS;
        newImage(`${instance.name}-base`, launched + rng.float(2, 60), instance.imageId);
      }

      // Golden images that launch templates name: one in the latest version, one only in version 1.
      const golden = newImage(`northwind-al2023-golden-${account.name}`, rng.float(100, 400));
      const retired = newImage(`northwind-al2-golden-${account.name}`, rng.float(400, 800));
      const publicImage = `ami-0${hashHex(`${account.id}|${region}|public`)}`;
      launchTemplates.push({
        id: `lt-0${hashHex(`${account.id}|${region}|lt|web`)}`,
        name: `web-${account.name}`,
        account: account.id,
        region,
        createdAt: retired.createdAt,
        versionImageIds: [retired.id, publicImage, golden.id],
        tags,
      });
      launchTemplates.push({
        id: `lt-0${hashHex(`${account.id}|${region}|lt|batch`)}`,
        name: `batch-${account.name}`,
        account: account.id,
        region,
        createdAt: golden.createdAt,
        versionImageIds: [publicImage],
        tags,
      });

      // Old images nothing uses any more (unused-ami), and a recent one that is too young to flag.
      const unused = account.name === "prod" ? 2 : 1;
      for (let n = 0; n < unused; n++) {
        newImage(`${team}-build-${rng.int(100, 999)}`, rng.float(UNUSED_IMAGE_MIN_AGE_DAYS + 20, 700));
      }
      if (account.name !== "sandbox") newImage(`${team}-release-candidate`, rng.float(5, 40));
    }
  }
  return { images, launchTemplates };
}

function imageRecord(
  id: string,
  account: string,
  region: string,
  team: string | null,
  tags: Record<string, string>,
  createdAt: string,
  name: string,
  snapshots: Snapshot[],
): MachineImage {
  const imageArn = arn("ec2", region, account, `image/${id}`);
  return {
    id,
    arn: imageArn,
    billingId: imageArn,
    resourceType: "ec2:image",
    account,
    region,
    team,
    tags,
    createdAt,
    deletedAt: null,
    name,
    snapshotIds: snapshots.map((s) => s.id),
    rootSizeGb: snapshots[0]?.volumeSizeGb ?? 8,
  };
}

/** The root snapshot CreateImage made for an image: billed as any snapshot, its volume long gone. */
function backingSnapshot(
  ctx: BuildContext,
  ec2: Ec2Estate,
  i: {
    id: string;
    account: Account;
    region: string;
    team: string;
    tags: Record<string, string>;
    daysAgo: number;
  },
): Snapshot {
  const { rng } = ctx;
  const id = awsId(rng, "snap");
  const size = rng.pick([8, 16, 30, 50]);
  const snapshot: Snapshot = {
    id,
    arn: arn("ec2", i.region, i.account.id, `snapshot/${id}`),
    billingId: arn("ec2", i.region, i.account.id, `snapshot/${id}`),
    resourceType: "ec2:snapshot",
    account: i.account.id,
    region: i.region,
    team: i.team,
    tags: i.tags,
    createdAt: ctx.ago(i.daysAgo),
    deletedAt: null,
    volumeId: awsId(rng, "vol"),
    volumeSizeGb: size,
    storedGb: Math.max(1, Math.round(size * rng.float(0.3, 0.7))),
    description: `Created by CreateImage(i-0${hashHex(`${i.id}|source`)}) for ${i.id}`,
    orphaned: true,
    imageId: i.id,
  };
  ec2.snapshots.push(snapshot);
  return snapshot;
}

function hashHex(key: string): string {
  return hashedHex(key, 16);
}

/** Whether an instance of the estate runs from the image at the instant. */
export function imageInUse(
  image: MachineImage,
  instances: Instance[],
  templates: LaunchTemplate[],
  ms: number,
) {
  return (
    instances.some((i) => i.imageId === image.id && existsAt(i, ms)) ||
    templates.some((t) => t.versionImageIds.includes(image.id))
  );
}
