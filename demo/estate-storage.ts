/** EBS volumes attached to nothing, and EBS snapshots (backups, and orphans of long-gone volumes). */
import { arn, awsId, ZONES } from "./aws-ids.js";
import type { Account, BuildContext, Ec2Estate, Volume } from "./estate-types.js";
import { DAY_MS } from "./lifecycle.js";
import { leftoverOwner, ownershipTags } from "./teams.js";

/** Volumes attached to nothing: left behind by long-gone instances; a few are cleaned up in the window. */
export function leftoverVolumes(ctx: BuildContext, out: Ec2Estate): void {
  const { rng } = ctx;
  for (let n = 0; n < 34; n++) {
    const account = rng.weighted<Account>(
      ctx.accounts.map((a, i) => [a, [0.3, 0.35, 0.35][i] ?? 0.3] as [Account, number]),
    );
    const region = rng.chance(0.7) ? "us-east-1" : "eu-west-1";
    const team = leftoverOwner(rng, 0.2);
    const created = rng.chance(0.15) ? rng.float(5, 80) : rng.float(95, 900);
    const deleted = rng.chance(0.15) ? rng.float(1, Math.min(created - 1, 89)) : null;
    const volumeType = rng.weighted<Volume["volumeType"]>([
      ["gp2", 0.6],
      ["gp3", 0.35],
      ["io1", 0.05],
    ]);
    const sizeGb = rng.pick([20, 50, 100, 200, 500, 1000]);
    const id = awsId(rng, "vol");
    out.volumes.push({
      id,
      arn: arn("ec2", region, account.id, `volume/${id}`),
      billingId: id,
      resourceType: "ec2:volume",
      account: account.id,
      region,
      team,
      tags: ownershipTags(rng, team, account.environment, 0.6),
      createdAt: ctx.ago(created),
      deletedAt: deleted === null ? null : ctx.ago(deleted),
      volumeType,
      sizeGb,
      iops: volumeType === "io1" ? 4000 : volumeType === "gp3" ? 3000 : Math.max(100, sizeGb * 3),
      throughputMBps: volumeType === "gp3" ? 125 : null,
      availabilityZone: `${region}${rng.pick(ZONES)}`,
      attachment: null,
      detachedAt: null,
      io: { readOpsPerHour: 0, writeOpsPerHour: 0 },
    });
  }
}

/** Backup snapshots of data volumes, and orphans whose volumes are long gone. */
export function snapshots(ctx: BuildContext, out: Ec2Estate): void {
  const { rng } = ctx;
  const dataVolumes = out.volumes.filter((v) => v.attachment && !v.attachment.deleteOnTermination);
  for (const volume of dataVolumes) {
    if (!(volume.account === ctx.accounts[0]?.id || rng.chance(0.3))) continue;
    const volumeAge = (ctx.anchorMs - Date.parse(volume.createdAt)) / DAY_MS;
    const count = rng.int(2, 6);
    for (let n = 0; n < count; n++) {
      const created = Math.min(volumeAge - 0.1, rng.float(1, 420));
      if (created <= 0) continue;
      const retired = created > 30 && rng.chance(0.08) ? rng.float(1, Math.min(created - 1, 89)) : null;
      pushSnapshot(ctx, out, {
        volumeId: volume.id,
        volumeSizeGb: volume.sizeGb,
        storedGb: Math.round(volume.sizeGb * (n === 0 ? rng.float(0.35, 0.7) : rng.float(0.03, 0.15))),
        account: volume.account,
        region: volume.region,
        team: volume.team,
        tags: { ...volume.tags, "backup-policy": "weekly" },
        created,
        deleted: retired,
        description: `Weekly backup of ${volume.id}`,
        orphaned: false,
      });
    }
  }
  for (let n = 0; n < 60; n++) {
    const account = rng.pick(ctx.accounts);
    const region = rng.chance(0.75) ? "us-east-1" : "eu-west-1";
    const team = leftoverOwner(rng, 0.35);
    const size = rng.pick([8, 30, 100, 200, 500, 1000]);
    const created = rng.float(100, 1500);
    const vanished = awsId(rng, "vol");
    pushSnapshot(ctx, out, {
      volumeId: vanished,
      volumeSizeGb: size,
      storedGb: Math.round(size * rng.float(0.3, 0.8)),
      account: account.id,
      region,
      team,
      tags: ownershipTags(rng, team, account.environment, 0.5),
      created,
      deleted: null,
      description: rng.pick([
        `Created by CreateImage(i-0${rng.hex(16)}) for ami-0${rng.hex(16)}`,
        "before upgrade",
        `manual snapshot of ${vanished}`,
        "",
      ]),
      orphaned: true,
    });
  }
  // The first old orphan made by CreateImage still backs its AMI: AWS refuses to delete it, so the
  // snapshot rules must leave it out. Chosen without drawing from the estate's random stream.
  const amiBacked = out.snapshots.find(
    (s) =>
      s.orphaned &&
      s.deletedAt === null &&
      ctx.anchorMs - Date.parse(s.createdAt) > 120 * DAY_MS &&
      /^Created by CreateImage\(i-[0-9a-f]+\) for ami-[0-9a-f]+$/.test(s.description),
  );
  if (amiBacked) amiBacked.imageId = amiBacked.description.slice(amiBacked.description.lastIndexOf("ami-"));
}

function pushSnapshot(
  ctx: BuildContext,
  out: Ec2Estate,
  s: {
    volumeId: string;
    volumeSizeGb: number;
    storedGb: number;
    account: string;
    region: string;
    team: string | null;
    tags: Record<string, string>;
    created: number;
    deleted: number | null;
    description: string;
    orphaned: boolean;
  },
): void {
  const id = awsId(ctx.rng, "snap");
  const snapshotArn = arn("ec2", s.region, s.account, `snapshot/${id}`);
  out.snapshots.push({
    id,
    arn: snapshotArn,
    billingId: snapshotArn,
    resourceType: "ec2:snapshot",
    account: s.account,
    region: s.region,
    team: s.team,
    tags: s.tags,
    createdAt: ctx.ago(s.created),
    deletedAt: s.deleted === null ? null : ctx.ago(s.deleted),
    volumeId: s.volumeId,
    volumeSizeGb: s.volumeSizeGb,
    storedGb: Math.max(1, s.storedGb),
    description: s.description,
    orphaned: s.orphaned,
    imageId: null,
  });
}
