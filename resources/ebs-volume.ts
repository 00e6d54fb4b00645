import type { ResourceDescriptor } from "./types.js";

export const ebsVolume: ResourceDescriptor = {
  type: "ec2:volume",
  displayName: { one: "EBS volume", many: "EBS volumes" },
  id: { pattern: /^vol-[0-9a-f]{8,17}$/, example: "vol-0123456789abcdef0" },
  arn: { service: "ec2", arnType: "volume", scope: "regional" },
  price: {
    // The volume type in a region, per GiB-month of provisioned size.
    keyParts: ["json_extract_string(r.attributes, '$.volumeType')"],
    unit: "gb-months",
    monthlyQuantity: "TRY_CAST(json_extract(r.attributes, '$.sizeGiB') AS DOUBLE)",
    priceListQuery: (region, [volumeType]) =>
      volumeType
        ? {
            serviceCode: "AmazonEC2",
            filters: { regionCode: region, productFamily: "Storage", volumeApiName: volumeType },
            unit: "GB-Mo",
          }
        : null,
  },
  attributes: { volumeType: "VARCHAR", sizeGiB: "BIGINT", iops: "BIGINT" },
  metrics: {
    namespace: "AWS/EBS",
    dimension: "VolumeId",
    metrics: [
      { metric: "VolumeReadOps", stat: "Sum" },
      { metric: "VolumeWriteOps", stat: "Sum" },
      { metric: "VolumeIdleTime", stat: "Sum" },
    ],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#VolumeDetails:volumeId=${encodeURIComponent(id)}`,
};
