import type { ResourceDescriptor } from "./types.js";

export const ebsSnapshot: ResourceDescriptor = {
  type: "ec2:snapshot",
  displayName: { one: "EBS snapshot", many: "EBS snapshots" },
  id: { pattern: /^snap-[0-9a-f]{8,17}$/, example: "snap-0123456789abcdef0" },
  // Snapshot ARNs name no account, but the CUR's resource ids for snapshots do: billing's is this one.
  arn: { service: "ec2", arnType: "snapshot", scope: "regional" },
  price: {
    keyParts: [],
    unit: "gb-months",
    // EC2 does not report a snapshot's stored bytes: its source volume's size is the upper bound used.
    monthlyQuantity: "TRY_CAST(json_extract(r.attributes, '$.sizeGiB') AS DOUBLE)",
    estimateNote: ", at the full size of its source volume (an upper bound)",
    priceListQuery: (region) => ({
      serviceCode: "AmazonEC2",
      filters: { regionCode: region, productFamily: "Storage Snapshot" },
      unit: "GB-Mo",
      usageTypeSuffix: "EBS:SnapshotUsage",
    }),
  },
  attributes: {
    volumeId: "VARCHAR",
    sizeGiB: "BIGINT",
    /** The account's registered images it backs (AWS refuses to delete it while they exist). */
    imageIds: ["VARCHAR"],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#SnapshotDetails:snapshotId=${encodeURIComponent(id)}`,
};
