import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

export const elasticIp: ResourceDescriptor = {
  type: "ec2:elastic-ip",
  displayName: { one: "Elastic IP", many: "Elastic IPs" },
  // Identified by its allocation id (its public address is an attribute).
  id: { pattern: /^eipalloc-[0-9a-f]{4,17}$/, example: "eipalloc-0123456789abcdef0" },
  arn: { service: "ec2", arnType: "elastic-ip", scope: "regional" },
  price: {
    keyParts: [],
    unit: "hours",
    monthlyQuantity: String(HOURS_PER_MONTH),
    priceListQuery: (region) => ({
      serviceCode: "AmazonVPC",
      filters: { regionCode: region, productFamily: "VPC Public IPv4 Address" },
      unit: "Hrs",
      usageTypeSuffix: "PublicIPv4:IdleAddress",
    }),
  },
  attributes: { publicIp: "VARCHAR" },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#ElasticIpDetails:AllocationId=${encodeURIComponent(id)}`,
};
